import { statSync } from 'node:fs';

/**
 * The dashboard's build folder, as the Docker image copies it (COPY keeps the mode) for its unprivileged node user:
 * built in a mkdtemp folder (mode 0700) and renamed into place, it was left readable by the building user alone, so
 * the image (built as root, run as node) logged "Dashboard not served: EACCES: permission denied, scandir
 * '…/dist/dashboard-ui/'" and /dashboard answered that the dashboard is not built (reproduced running dist/main.js as
 * nobody on a root-built dist/). The global setup has built dist/ (scripts/ensure-build.mjs).
 */
describe('dashboard-ui/build.mjs: the built folder', () => {
  it('can be listed and read by every user, as the rest of dist/', () => {
    const mode = statSync('dist/dashboard-ui').mode & 0o777;
    expect(mode.toString(8)).toBe((statSync('dist/app').mode & 0o777).toString(8));
    expect(mode & 0o005).toBe(0o005);
  });
});
