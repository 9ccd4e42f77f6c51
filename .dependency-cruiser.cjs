/** Layer rules: pure domains, features that never see adapters, and adapters wired only by the composition root. */
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
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.spec\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
