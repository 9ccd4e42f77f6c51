/**
 * The URL of a compiled module, by its path under src/ with a .js suffix ("app/x/y.worker.js"), for
 * starting a worker thread on it. Under ts-jest this file runs from src/, where such modules exist only
 * as TypeScript: the thread then runs the build in dist/ (src/ and dist/ sit side by side).
 */
export function builtModuleUrl(pathUnderSrc: string): URL {
  return new URL(import.meta.url.endsWith('.ts') ? `../../../dist/${pathUnderSrc}` : `../../${pathUnderSrc}`, import.meta.url);
}
