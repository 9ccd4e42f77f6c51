import { lookupsInStep } from './lookups-in-step.js';

/** Lookups on a clock of the test's own: each lookup moves it by `msEach` per lookup then in flight (a server that shares itself out). */
function sharedServer(msEach: number) {
  let clock = 0;
  let inFlight = 0;
  const widths: number[] = [];
  const lookup = async (id: string) => {
    inFlight++;
    await Promise.resolve();
    if (widths.length === 0 || inFlight > widths.at(-1)!) widths.push(inFlight);
    clock += msEach;
    inFlight--;
    return id.toUpperCase();
  };
  return { lookup, now: () => clock, widths };
}

describe('lookupsInStep', () => {
  const ids = Array.from({ length: 100 }, (_, n) => `id${n}`);

  it('answers every id in order, widening to the most allowed on a server that keeps up', async () => {
    const server = sharedServer(1);
    const found = await lookupsInStep(ids, server.lookup, { max: 32, targetMs: 1000, now: server.now });
    expect(found).toEqual(ids.map((id) => id.toUpperCase()));
    expect(Math.max(...server.widths)).toBe(32);
  });

  it('looks up one at a time on a server where one lookup takes longer than the target', async () => {
    const server = sharedServer(1500);
    const found = await lookupsInStep(ids, server.lookup, { max: 32, targetMs: 1000, now: server.now });
    expect(found).toEqual(ids.map((id) => id.toUpperCase()));
    expect(server.widths).toEqual([1]);
  });
});
