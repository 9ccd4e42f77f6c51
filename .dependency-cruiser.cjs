/**
 * Layer rules: pure domains, features that never see adapters, adapters wired only by the composition root, and a dashboard that is only a client.
 *
 * Every rule is written by path pattern, never by feature name: a new feature folder (src/billing/, ...) is covered without editing this file.
 * test/architecture/dependency-rules.spec.ts plants a violation of each rule and fails when one stops firing.
 */

/** A feature folder: any top-level folder of src/ that is not the composition root, the CLI, an adapter, the shared kernel or the dashboard (which has its own, stricter rule). */
const FEATURE = '^src/(?!app/|cli/|infrastructure/|shared/|dashboard/)[^/]+/';
/** A domain folder, at any depth: src/keys/domain/, src/anomalies/domain/rules/, src/shared/domain/, src/billing/domain/. */
const DOMAIN = '^src/.+/domain/';
/** What a domain may import: a feature's domain folder or the shared kernel's (never an adapter's, the app's or the CLI's). */
const DOMAIN_TARGET = '^src/(?!app/|cli/|infrastructure/|dashboard/)[^/]+/domain/';

/**
 * Node core modules a domain file may import: none, except these grants, each naming the file that holds the import today.
 * They are tolerated, not approved (hashing and randomness belong behind a port); remove a grant when its file stops needing it.
 * dependency-cruiser reports a core module by its bare name ('node:crypto' resolves to 'crypto'), so the patterns accept both spellings.
 */
const DOMAIN_NODE_CORE_GRANTS = {
  crypto: [
    '^src/keys/domain/api-key-secret\\.ts$', // hash() for the stored digest, randomBytes() for the secret
    '^src/anomalies/domain/finding\\.ts$', // createHash() for a finding's stable id
  ],
  zlib: [
    '^src/keys/domain/api-key-secret\\.ts$', // crc32() for the checksum in the key's text form
  ],
};
const coreModule = (name) => `^(node:)?${name}$`;

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      comment:
        'A domain folder is plain TypeScript: it imports only domain folders (its own, another feature\'s, src/shared/domain) and .d.ts files. No Nest, no npm package (type-only imports included), no adapter, no other layer, no Node core module (the granted ones are checked by the domain-node-core-grant-* rules).',
      severity: 'error',
      from: { path: DOMAIN },
      to: { pathNot: [DOMAIN_TARGET, '\\.d\\.ts$', ...Object.keys(DOMAIN_NODE_CORE_GRANTS).map(coreModule)] },
    },
    ...Object.entries(DOMAIN_NODE_CORE_GRANTS).map(([name, files]) => ({
      name: `domain-node-core-grant-${name}`,
      comment: `node:${name} in a domain folder only where DOMAIN_NODE_CORE_GRANTS names the file: ${files.join(', ')}.`,
      severity: 'error',
      from: { path: DOMAIN, pathNot: files },
      to: { path: coreModule(name), dependencyTypes: ['core'] },
    })),
    {
      name: 'features-do-not-know-adapters-app-or-cli',
      comment: 'A feature talks to ports: only src/app (the composition root) and tests pick adapters; the CLI and the entry point are above every feature.',
      severity: 'error',
      from: { path: FEATURE },
      to: { path: '^src/(infrastructure/|app/|cli/|cli\\.ts$|main\\.ts$)' },
    },
    {
      name: 'shared-does-not-know-features',
      comment: 'The shared kernel imports only itself, npm packages and Node core modules: no feature, no adapter, no app, no CLI.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { pathNot: ['^src/shared/', '(^|/)node_modules/'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'adapters-do-not-know-the-app',
      comment: 'An adapter implements a port; it is wired by src/app and never reaches back to it, to the CLI or to the entry point.',
      severity: 'error',
      from: { path: '^src/infrastructure/' },
      to: { path: '^src/(app/|cli/|cli\\.ts$|main\\.ts$)' },
    },
    {
      name: 'adapters-do-not-import-each-other',
      comment: 'One folder per technology; the polling helper is shared by the embedded stores.',
      severity: 'error',
      from: { path: '^src/infrastructure/([^/]+)/' },
      to: { path: '^src/infrastructure/', pathNot: ['^src/infrastructure/$1/', '^src/infrastructure/polling/'] },
    },
    {
      name: 'dashboard-server-only-serves-files',
      comment: 'The dashboard is a client of the public API: its server side serves the built files and knows no feature, only the @Public marker (src/shared/http/public.decorator.ts since it left src/keys/authentication/) and the page headers it shares with /docs (src/shared/http/page-security-headers.ts).',
      severity: 'error',
      from: { path: '^src/dashboard/' },
      to: { path: '^src/', pathNot: ['^src/dashboard/', '^src/shared/http/public\\.decorator\\.ts$', '^src/shared/http/page-security-headers\\.ts$'] },
    },
    {
      name: 'browser-code-stays-in-the-browser',
      comment: 'dashboard-ui runs in the browser: it reaches the service over /v1 only, never by importing its code or Node modules.',
      severity: 'error',
      from: { path: '^dashboard-ui/' },
      to: { pathNot: '^dashboard-ui/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.spec\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
