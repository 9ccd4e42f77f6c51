import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where `npm run build` puts the browser app. This file runs from src/dashboard (ts-jest) or from
 * dist/dashboard (node): from both, two levels up is the project root.
 */
export const BUILT_DASHBOARD_DIR = fileURLToPath(new URL('../../dist/dashboard-ui/', import.meta.url));

/** The placeholder index.html uses for the versioned asset path. */
const ASSETS_PLACEHOLDER = '__ASSETS__';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface DashboardAsset {
  body: Buffer;
  contentType: string;
}

export interface BuiltDashboard {
  indexHtml: string;
  /** Content hash of all assets: part of their URLs, so a browser may cache them for good. */
  version: string;
  /** The only files served, by path relative to the build folder ("views/keys-view.js"). */
  assets: ReadonlyMap<string, DashboardAsset>;
}

const assetsPath = (version: string): string => `/dashboard/assets/${version}`;

/** Reads the whole build once: requests are answered from this map, never from a path they name. */
export async function loadBuiltDashboard(dir: string): Promise<BuiltDashboard> {
  const names = (await readdir(dir, { recursive: true }))
    .filter((name) => CONTENT_TYPES[extname(name)] !== undefined)
    .map((name) => name.split(sep).join('/'))
    .sort();
  const hash = createHash('sha256');
  const assets = new Map<string, DashboardAsset>();
  for (const name of names) {
    const body = await readFile(join(dir, name));
    hash.update(name).update('\0').update(body).update('\0');
    assets.set(name, { body, contentType: CONTENT_TYPES[extname(name)] });
  }
  const version = hash.digest('hex').slice(0, 16);
  const indexHtml = (await readFile(join(dir, 'index.html'), 'utf8')).replaceAll(ASSETS_PLACEHOLDER, assetsPath(version));
  return { indexHtml, version, assets };
}
