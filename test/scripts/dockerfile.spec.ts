import { readFileSync } from 'node:fs';

/** The instructions of the Dockerfile's last stage (the image that runs), one per line as written there. */
function runtimeStage(): string[] {
  const lines = readFileSync('Dockerfile', 'utf8').split('\n');
  const from = lines.map((line, i) => (line.startsWith('FROM ') ? i : -1)).filter((i) => i >= 0);
  return lines.slice(from.at(-1));
}

/**
 * The image as `docker run` starts it, without compose's environment (no Docker engine in the tests: the file is read
 * as the engine would take it). It runs as `node` in /app, which the COPYs leave to root: DATA_DIR's default,
 * ./data, could not be made there, and the image stopped at once with `cannot start`, "EACCES: permission denied,
 * mkdir './data'" (reproduced as an unprivileged user in a root-owned directory).
 */
describe('Dockerfile: the runtime image', () => {
  const stage = runtimeStage();

  it("runs as the unprivileged node user, with DATA_DIR set to the directory made for it and handed to that user", () => {
    expect(stage).toContain('USER node');
    const dataDir = stage.map((line) => /^ENV DATA_DIR=(\S+)$/.exec(line)?.[1]).find((value) => value !== undefined);
    expect(dataDir).toBeDefined();
    expect(stage).toContainEqual(expect.stringMatching(new RegExp(`^RUN mkdir -p ${dataDir} && chown node:node ${dataDir}$`)));
  });

  it('starts node itself, in exec form, so the stop signal reaches it', () => {
    expect(stage.at(-1) === '' ? stage.at(-2) : stage.at(-1)).toBe('CMD ["node", "dist/main.js"]');
  });

  // better-sqlite3's addon is compiled in the build stage for that Node's ABI and copied into the runtime stage: on
  // another major it fails to load ("was compiled against a different Node.js version").
  it('runs on the Node image it built the native addon with', () => {
    const images = readFileSync('Dockerfile', 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('FROM '))
      .map((line) => line.split(/\s+/)[1]);
    expect(images).toHaveLength(2);
    expect(images[1]).toBe(images[0]);
    expect(images[0]).toMatch(/^node:22-/);
  });
});
