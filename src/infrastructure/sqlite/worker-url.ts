/**
 * The URL of a worker script of this folder. Under ts-jest these modules run from src/, where a worker
 * exists only as TypeScript: the thread then runs the build (src/ and dist/ sit side by side, so one
 * relative path serves both).
 */
export function sqliteWorkerUrl(name: string): URL {
  return new URL(
    import.meta.url.endsWith('.ts') ? `../../../dist/infrastructure/sqlite/${name}.js` : `./${name}.js`,
    import.meta.url,
  );
}
