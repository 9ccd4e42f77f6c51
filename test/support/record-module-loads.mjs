// Loaded with `node --import` by test/e2e/cli-modules-loaded: writes the URL of each module the process loads to the
// file LOADED_MODULES_FILE names, one a line.
import { register } from 'node:module';

register('./record-module-loads.hooks.mjs', import.meta.url);
