import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBuiltDashboard } from './built-dashboard.js';

describe('loadBuiltDashboard', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'psk-dashboard-'));
    mkdirSync(join(dir, 'views'));
    writeFileSync(join(dir, 'index.html'), '<script type="module" src="__ASSETS__/main.js"></script><link href="__ASSETS__/app.css">');
    writeFileSync(join(dir, 'main.js'), "import './views/list.js';");
    writeFileSync(join(dir, 'views', 'list.js'), 'export {};');
    writeFileSync(join(dir, 'app.css'), 'body {}');
    writeFileSync(join(dir, 'main.js.map'), '{}');
    writeFileSync(join(dir, 'notes.txt'), 'not served');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('serves only scripts, styles and images, by their path in the build, with their content type', async () => {
    const built = await loadBuiltDashboard(dir);
    expect([...built.assets.keys()]).toEqual(['app.css', 'main.js', 'views/list.js']);
    expect(built.assets.get('main.js')).toEqual({ body: Buffer.from("import './views/list.js';"), contentType: 'text/javascript; charset=utf-8' });
    expect(built.assets.get('app.css')?.contentType).toBe('text/css; charset=utf-8');
  });

  it('points index.html at the versioned asset path, and changes the version when any asset changes', async () => {
    const first = await loadBuiltDashboard(dir);
    expect(first.version).toMatch(/^[0-9a-f]{16}$/);
    expect(first.indexHtml).toBe(
      `<script type="module" src="/dashboard/assets/${first.version}/main.js"></script><link href="/dashboard/assets/${first.version}/app.css">`,
    );
    expect((await loadBuiltDashboard(dir)).version).toBe(first.version);
    writeFileSync(join(dir, 'views', 'list.js'), 'export const changed = true;');
    expect((await loadBuiltDashboard(dir)).version).not.toBe(first.version);
  });

  it('fails when there is no build', async () => {
    await expect(loadBuiltDashboard(join(dir, 'missing'))).rejects.toThrow(/ENOENT/);
  });
});
