// Loaded with `node --import` by test/e2e/stop-while-loading: the service's modules load slowly, as at a high load
// (4.5 s at load 18). The load of @nestjs/core waits SLOW_LOAD_MS, after writing SLOW_LOAD_MARK, so a test knows the
// process is loading its modules. It installs no signal listener: the service's own, or none, decide the signal.
import { register } from 'node:module';

register('./slow-module-load.hooks.mjs', import.meta.url);
