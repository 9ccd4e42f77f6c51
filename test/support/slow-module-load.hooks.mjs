// The hooks of slow-module-load.mjs (they run on the loader's own thread).
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

let delayed = false;

export async function load(url, context, nextLoad) {
  if (!delayed && /\/node_modules\/@nestjs\/core\/index\.js$/.test(url)) {
    delayed = true;
    writeFileSync(process.env.SLOW_LOAD_MARK, url);
    await sleep(Number(process.env.SLOW_LOAD_MS));
  }
  return nextLoad(url, context);
}
