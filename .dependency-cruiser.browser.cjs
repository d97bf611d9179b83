// What a browser bundle of an entry runs: the entries below reach no Node built-in, no Node-only file and
// no npm package but TF.js and fflate. Run by `pnpm lint:deps` after .dependency-cruiser.cjs, on the runtime
// graph (type-only imports are erased from bundles, so they do not count here; the main config checks them).
const { builtinModules } = require('node:module');
const main = require('./.dependency-cruiser.cjs');

/** The browser entries of the packages (@fcn/wasm-kernels: its one entry) and the web demo's page and worker. */
const BROWSER_ENTRIES = [
  '^packages/(data|train|backends)/src/browser\\.ts$',
  '^packages/wasm-kernels/src/index\\.ts$',
  '^apps/web-demo/src/(main|inference\\.worker)\\.ts$',
];

/** Files that only Node can run: Node entries, `node/` folders, `@fcn/hub`, the `fcn` command. */
const NODE_ONLY_FILES = [
  '^packages/(data|train)/src/index\\.ts$',
  '^packages/backends/src/node\\.ts$',
  '^packages/[^/]+/src/(picker/)?node/',
  '^packages/hub/',
  '^apps/node-trainer/',
];

/** npm packages a browser entry may reach: TF.js and fflate (pure JS, for the zip container of .pth files). */
const BROWSER_SAFE_NPM = [
  'node_modules/@tensorflow/tfjs-(core|backend-(cpu|wasm|webgl|webgpu))/',
  'node_modules/fflate/',
];

/** Node's built-in modules, as dependency-cruiser names them (without the node: prefix). */
const NODE_BUILTINS = `^(node:)?(${builtinModules
  .map((name) => name.replace(/^node:/, '').replaceAll('/', '\\/'))
  .join('|')})$`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'browser-no-node-builtins',
      comment: 'a browser entry reaches no Node built-in (node:fs, node:worker_threads, ...)',
      severity: 'error',
      from: { path: BROWSER_ENTRIES },
      to: { path: NODE_BUILTINS, reachable: true },
    },
    {
      name: 'browser-no-node-files',
      comment:
        'a browser entry reaches no Node-only file (a Node entry, a node/ folder, @fcn/hub, the fcn command)',
      severity: 'error',
      from: { path: BROWSER_ENTRIES },
      to: { path: NODE_ONLY_FILES, reachable: true },
    },
    {
      name: 'browser-npm',
      comment: 'a browser entry reaches no npm package but TF.js and fflate (no sharp, tar, webgpu, ...)',
      severity: 'error',
      from: { path: BROWSER_ENTRIES },
      to: { path: 'node_modules/', pathNot: BROWSER_SAFE_NPM, reachable: true },
    },
  ],
  // Without tsConfig: dependency-cruiser 17.4.3 fails on this repo's tsconfig when it compiles types away
  // ("Cannot read properties of undefined (reading 'includes')"); the repo uses no tsconfig paths.
  // Resolved as a bundler does for the browser (no `types` condition: a .d.ts target would drop the import).
  options: {
    ...main.options,
    tsConfig: undefined,
    tsPreCompilationDeps: false,
    enhancedResolveOptions: {
      ...main.options.enhancedResolveOptions,
      conditionNames: ['@fcn/source', 'browser', 'import', 'module', 'default'],
      mainFields: ['browser', 'module', 'main'],
      aliasFields: ['browser'],
    },
  },
};
