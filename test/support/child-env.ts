/** libfaketime's settings: a run under `faketime` (docs/testing.md) hands them to every process it starts. */
const FAKED_CLOCK = /^(LD_PRELOAD|FAKETIME\w*)$/;

/** Whether this run reads a clock shifted with faketime. */
export const clockIsFaked = (): boolean => process.env.FAKETIME !== undefined;

const fakedClockSettings = (keep: boolean) =>
  Object.fromEntries(Object.entries(process.env).filter(([name]) => FAKED_CLOCK.test(name) === keep));

/**
 * The environment of a service or CLI process that a test starts: PATH and what the test names, so nothing from
 * the developer's shell changes a test, and the faked clock if there is one, so every process of a run reads
 * the same time.
 */
export function childEnv(env: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { PATH: process.env.PATH, ...(clockIsFaked() ? fakedClockSettings(true) : {}), ...env };
}

/** This process's environment, without libfaketime when the clock is faked: Chromium spins under it, so its pages get the time another way. */
export function envWithoutFakedClock(): Record<string, string | undefined> {
  return clockIsFaked() ? fakedClockSettings(false) : process.env;
}
