/** Layer rules: pure domains, features that never see adapters, adapters wired only by the composition root, and a dashboard that is only a client. */
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
      comment: 'A domain folder is plain TypeScript: no Nest, no adapter, no driver, no other layer.',
      severity: 'error',
      from: { path: '^src/[^/]+/domain/' },
      to: { pathNot: ['^src/[^/]+/domain/', '^src/shared/domain/', '^node:', '\\.d\\.ts$'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'features-do-not-know-adapters',
      comment: 'Features and shared code talk to ports; only src/app (and tests) pick adapters.',
      severity: 'error',
      from: { path: '^src/(keys|usage|shared)/' },
      to: { path: '^src/infrastructure/' },
    },
    {
      name: 'shared-does-not-know-features',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { path: '^src/(keys|usage|app|infrastructure)/' },
    },
    {
      name: 'adapters-do-not-know-the-app',
      severity: 'error',
      from: { path: '^src/infrastructure/' },
      to: { path: '^src/app/' },
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
      comment: 'The dashboard is a client of the public API: its server side serves the built files and knows no feature, only the @Public marker.',
      severity: 'error',
      from: { path: '^src/dashboard/' },
      to: { path: '^src/', pathNot: ['^src/dashboard/', '^src/keys/authentication/public\\.decorator\\.ts$'] },
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
