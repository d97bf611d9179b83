// The package rules of docs/ARCHITECTURE.md, checked by dependency-cruiser in `pnpm lint` (`pnpm lint:deps`).
// Workspace imports resolve through the `@fcn/source` export condition to each package's src/, so the
// graph below runs across packages, tests and benches included.
// The browser rules are in .dependency-cruiser.browser.cjs (they need the runtime graph).

/** Workspace packages each package may import in the code it ships (its exports' files and what they reach). */
const SHIPPED = {
  init: [],
  layers: ['init'],
  models: ['init', 'layers'],
  data: [],
  train: ['layers', 'models', 'data'],
  'wasm-kernels': [],
  backends: ['wasm-kernels'],
  hub: [],
};

/** More that a package's tests and benches may import (its devDependencies): they train a real FCN on the kernels. */
const DEV_ONLY = {
  'wasm-kernels': ['layers', 'models', 'train'],
  backends: ['init', 'layers', 'models', 'train'],
};

/** Each package's entry files: the `exports` of its package.json. */
const ENTRY = '^packages/[^/]+/src/(index|node|browser|testing/index)\\.ts$';

/** Files of a package that it does not ship: tests, their helpers, benches, configs. */
const NOT_SHIPPED = '(\\.test\\.ts$|/testing/|^packages/[^/]+/(test|bench)/|^packages/backends/src/webgpu/)';

const NAMES = Object.keys(SHIPPED);
const either = (names) => `(${names.join('|')})`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...NAMES.map((name) => ({
      name: `direction-${name}`,
      comment: `@fcn/${name} may import ${
        SHIPPED[name]
          .concat(DEV_ONLY[name] ?? [])
          .map((n) => `@fcn/${n}`)
          .join(', ') || 'no workspace package'
      } (docs/ARCHITECTURE.md: the dependency direction)`,
      severity: 'error',
      from: { path: `^packages/${name}/` },
      to: {
        path: '^packages/',
        pathNot: `^packages/${either([name, ...SHIPPED[name], ...(DEV_ONLY[name] ?? [])])}/`,
      },
    })),
    ...Object.keys(DEV_ONLY).map((name) => ({
      name: `shipped-${name}`,
      comment: `the code @fcn/${name} ships reaches ${SHIPPED[name].map((n) => `@fcn/${n}`).join(', ') || 'no workspace package'}: other packages only from its tests and benches`,
      severity: 'error',
      from: { path: `^packages/${name}/src/(index|node|browser)\\.ts$` },
      to: {
        path: `^packages/(?!${either([name, ...SHIPPED[name]])}/)`,
        reachable: true,
      },
    })),
    {
      name: 'no-circular',
      comment: 'no import cycle, within a package or across packages',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-app-imports',
      comment: 'a package or an app never imports an app (apps are leaves)',
      severity: 'error',
      from: { path: '^(packages|apps)/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$2/' },
    },
    {
      name: 'entries-only',
      comment:
        'another package is imported by its name (`@fcn/x`, `@fcn/x/browser`): its exports, never a file in its src/',
      severity: 'error',
      from: { path: '^(packages|apps)/([^/]+)/' },
      to: { path: '^packages/', pathNot: [`^packages/$2/`, ENTRY] },
    },
    {
      name: 'no-relative-cross-package',
      comment: 'another package is imported by its name, never by a relative path (even to its entry)',
      severity: 'error',
      from: { path: '^(packages|apps)/([^/]+)/' },
      to: { path: '^(packages|apps)/', pathNot: '^(packages|apps)/$2/', dependencyTypes: ['local'] },
    },
    {
      name: 'not-to-dev-dep',
      comment:
        'code a package ships imports no devDependency (tsup would bundle it): move it to dependencies or peerDependencies',
      severity: 'error',
      from: { path: '^packages/[^/]+/src/', pathNot: NOT_SHIPPED },
      // tfjs-core is a peer and a devDependency (for the workspace's own install): that is fine.
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['npm', 'npm-peer', 'npm-optional'] },
    },
    {
      name: 'no-non-package-json',
      comment: "an npm package that code a package ships imports is declared in that package's package.json",
      severity: 'error',
      from: { path: '^packages/[^/]+/src/', pathNot: NOT_SHIPPED },
      // dependency-cruiser 17.4.3 also types an optional peer `npm-no-pkg` (from its `peerDependenciesMeta` entry).
      to: {
        dependencyTypes: ['npm-no-pkg', 'npm-unknown'],
        dependencyTypesNot: ['npm', 'npm-peer', 'npm-optional'],
      },
    },
    {
      name: 'not-to-unresolvable',
      comment:
        "every import resolves (a deep import past a package's exports does not); a package's bin launcher " +
        'imports its own build output, which exists only after a build',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^(\\.\\./)*dist/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(packages|apps)/[^/]+/(dist|\\.bench|\\.test-dist)/' },
    // Type-only imports count: a published .d.ts refers to them too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['@fcn/source', 'import', 'types', 'default'],
      mainFields: ['module', 'main', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
