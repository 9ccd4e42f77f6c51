import { beforeAll, describe, expect, it } from '@jest/globals';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { cruise } from 'dependency-cruiser';
import type { ICruiseResult, IForbiddenRuleType } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

/**
 * Guard rail for .dependency-cruiser.cjs: the project's real ruleset is run on a fixture tree (test/architecture/fixtures,
 * laid out like the repository: src/<feature>/, src/shared/, src/infrastructure/<technology>/, src/app/, dashboard-ui/src/)
 * in which every rule has a planted violation. A rule that stops firing, or starts firing where it should not, fails here.
 */

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const TS_CONFIG = `${REPO_ROOT}tsconfig.json`;

const { options, ...ruleSet } = createRequire(import.meta.url)('../../.dependency-cruiser.cjs') as {
  forbidden: IForbiddenRuleType[];
  options: Record<string, unknown>;
};

/** Each planted dependency and the one rule it must trip. npm packages by name, Node core modules as node:<name>. */
const PLANTED: ReadonlyArray<readonly [from: string, to: string, rule: string]> = [
  ['src/billing/cycle/a.ts', 'src/billing/cycle/b.ts', 'no-circular'],
  ['src/billing/domain/bad.ts', '@nestjs/common', 'domain-is-pure'],
  ['src/billing/domain/bad.ts', 'node:fs', 'domain-is-pure'],
  ['src/billing/domain/bad.ts', 'src/billing/queries/x.ts', 'domain-is-pure'],
  ['src/billing/domain/hash.ts', 'node:crypto', 'domain-node-core-grant-crypto'],
  ['src/billing/domain/hash.ts', 'node:zlib', 'domain-node-core-grant-zlib'],
  ['src/anomalies/domain/finding.ts', 'node:zlib', 'domain-node-core-grant-zlib'],
  ['src/anomalies/queries/bad.ts', 'src/infrastructure/sqlite/x.ts', 'features-do-not-know-adapters-app-or-cli'],
  ['src/keys/queries/bad.ts', 'src/app/projections.service.ts', 'features-do-not-know-adapters-app-or-cli'],
  ['src/billing/queries/bad.ts', 'src/infrastructure/mongodb/x.ts', 'features-do-not-know-adapters-app-or-cli'],
  ['src/billing/queries/bad.ts', 'src/cli/x.ts', 'features-do-not-know-adapters-app-or-cli'],
  ['src/billing/queries/bad.ts', 'src/cli.ts', 'features-do-not-know-adapters-app-or-cli'],
  ['src/billing/queries/bad.ts', 'src/main.ts', 'features-do-not-know-adapters-app-or-cli'],
  ['src/shared/bad.ts', 'src/anomalies/x.ts', 'shared-does-not-know-features'],
  ['src/shared/bad-infrastructure.ts', 'src/infrastructure/sqlite/x.ts', 'shared-does-not-know-features'],
  ['src/infrastructure/mongodb/bad-app.ts', 'src/app/x.ts', 'adapters-do-not-know-the-app'],
  ['src/infrastructure/mongodb/bad-app.ts', 'src/cli/x.ts', 'adapters-do-not-know-the-app'],
  ['src/infrastructure/mongodb/bad-adapter.ts', 'src/infrastructure/sqlite/x.ts', 'adapters-do-not-import-each-other'],
  ['src/dashboard/bad.ts', 'src/keys/x.ts', 'dashboard-server-only-serves-files'],
  ['src/dashboard/bad.ts', 'src/shared/ok.ts', 'dashboard-server-only-serves-files'],
  ['dashboard-ui/src/bad.ts', 'src/shared/ok.ts', 'browser-code-stays-in-the-browser'],
];

/** Files whose every import is allowed: each one exercises an exception or an allowance of a rule. */
const CLEAN = [
  'src/billing/commands/ok.ts', // a feature → its domain, src/shared, an npm package
  'src/billing/domain/ok.ts', // a domain → src/shared/domain, another feature's domain
  'src/keys/domain/api-key-secret.ts', // the node:crypto and node:zlib grants
  'src/shared/ok.ts', // the shared kernel → itself, an npm package, a Node core module
  'src/infrastructure/sqlite/ok.ts', // an adapter → its own folder, the polling helper
  'src/dashboard/ok.ts', // the dashboard → the @Public marker
  'src/billing/cycle/b.ts', // the cycle is reported once, on a.ts → b.ts
];

type Found = { from: string; to: string; rule: string };

async function cruiseWithTheProjectRules(baseDir: string, roots: string[]): Promise<ICruiseResult> {
  const { output } = await cruise(
    roots,
    { ...options, ruleSet, validate: true, baseDir, tsConfig: { fileName: TS_CONFIG } },
    {},
    { tsConfig: extractTSConfig(TS_CONFIG) },
  );
  if (typeof output === 'string') throw new Error(`expected a cruise result, got: ${output}`);
  return output;
}

/** The violations, with the target named as in PLANTED: a package name for npm, node:<name> for a core module. */
function violationsOf(result: ICruiseResult): Found[] {
  const core = new Set(
    result.modules.flatMap((module) => module.dependencies.filter((dependency) => dependency.coreModule).map((dependency) => dependency.resolved)),
  );
  const name = (resolved: string): string =>
    core.has(resolved) ? `node:${resolved}` : (/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(resolved)?.[1] ?? resolved);
  return result.summary.violations.map((violation) => ({ from: violation.from, to: name(violation.to), rule: violation.rule.name }));
}

const byFile = (found: Found[], file: string) =>
  found
    .filter((violation) => violation.from === file)
    .map(({ to, rule }) => `${to} → ${rule}`)
    .sort();

describe('dependency rules (.dependency-cruiser.cjs) on planted violations', () => {
  let result: ICruiseResult;
  let found: Found[];

  beforeAll(async () => {
    result = await cruiseWithTheProjectRules(FIXTURES, ['src', 'dashboard-ui/src']);
    found = violationsOf(result);
  });

  it('resolves every import of the fixture tree (an unresolved import would make the rules look at the wrong path)', () => {
    const unresolved = result.modules.flatMap((module) =>
      module.dependencies.filter((dependency) => dependency.couldNotResolve).map((dependency) => `${module.source} → ${dependency.module}`),
    );
    expect(unresolved).toEqual([]);
  });

  it.each([...new Set(PLANTED.map(([from]) => from))])('%s trips exactly the expected rules', (file) => {
    const expected = PLANTED.filter(([from]) => from === file)
      .map(([, to, rule]) => `${to} → ${rule}`)
      .sort();
    expect(byFile(found, file)).toEqual(expected);
  });

  it.each(CLEAN)('%s is clean', (file) => {
    expect(result.modules.map((module) => module.source)).toContain(file);
    expect(byFile(found, file)).toEqual([]);
  });

  it('reports nothing beyond the planted violations', () => {
    const planted = new Set(PLANTED.map(([from, to, rule]) => `${from} → ${to} → ${rule}`));
    expect(found.map(({ from, to, rule }) => `${from} → ${to} → ${rule}`).filter((violation) => !planted.has(violation))).toEqual([]);
  });

  it('makes every rule an error (a warning would not fail npm run lint:deps)', () => {
    expect(ruleSet.forbidden.filter((rule) => rule.severity !== 'error').map((rule) => rule.name)).toEqual([]);
  });

  it('fires every forbidden rule of the configuration at least once', () => {
    const fired = new Set(found.map((violation) => violation.rule));
    expect(ruleSet.forbidden.map((rule) => rule.name ?? '(a rule without a name)').filter((rule) => !fired.has(rule))).toEqual([]);
  });
});

describe('dependency rules (.dependency-cruiser.cjs) on the real tree', () => {
  it('finds no violation in src and dashboard-ui/src', async () => {
    const result = await cruiseWithTheProjectRules(REPO_ROOT, ['src', 'dashboard-ui/src']);
    expect(violationsOf(result).map(({ from, to, rule }) => `${rule}: ${from} → ${to}`)).toEqual([]);
  });
});
