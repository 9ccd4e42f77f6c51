// Loaded with `node --import` by test/e2e/stop-during-start: pauses the service's start at the step named by
// PAUSE_START_AT, says so on stderr (`paused at <step>`), and goes on once the process has received SIGTERM or SIGINT,
// a moment after the stop began. Nothing in the service knows of it: it wraps built methods on the main thread.
import { isMainThread } from 'node:worker_threads';

const step = process.env.PAUSE_START_AT;
const built = (path) => import(new URL(`../../dist/${path}`, import.meta.url).href);

/** Resolves a moment after the first SIGTERM or SIGINT: the stop's own handler has run by then. */
function signalled() {
  return new Promise((resolve) => {
    // The paused start holds nothing else that keeps the process alive.
    const alive = setInterval(() => undefined, 1000);
    const go = () => {
      clearInterval(alive);
      setTimeout(resolve, Number(process.env.PAUSE_RESUME_MS ?? 0));
    };
    process.once('SIGTERM', go);
    process.once('SIGINT', go);
  });
}

/** Wraps `owner[name]` so that its first call waits for the stop before going on. */
function pauseFirstCall(owner, name) {
  const original = owner[name];
  let paused = false;
  owner[name] = async function (...args) {
    if (!paused) {
      paused = true;
      const resume = signalled();
      process.stderr.write(`paused at ${step}\n`);
      await resume;
    }
    return original.apply(this, args);
  };
}

if (isMainThread && step) {
  if (step === 'init') pauseFirstCall((await import('@nestjs/core')).NestApplication.prototype, 'init');
  else if (step === 'projections') pauseFirstCall((await built('app/projections/projections.service.js')).ProjectionsService.prototype, 'onApplicationBootstrap');
  else if (step === 'catch-up') pauseFirstCall((await built('app/projections/projections.service.js')).ProjectionsService.prototype, 'catchUpAccessBeforeServing');
  else throw new Error(`PAUSE_START_AT: no step ${step}`);
}
