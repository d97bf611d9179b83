import { defineConfig } from 'tsup';

/**
 * Bundles the benchmark into the ignored `.bench/` folder. tsx cannot load tfjs-core's gradient
 * registrations (extensionless ESM), so workspace packages come in from their TypeScript sources
 * (`@fcn/source` condition) and those registrations are inlined; TF.js and its backends stay external
 * so that the wasm backend finds its .wasm files in node_modules.
 */
export default defineConfig({
  entry: { backends: 'bench/backends.ts' },
  outDir: '.bench',
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  clean: true,
  dts: false,
  silent: true,
  noExternal: [/^@fcn\//, /register_all_gradients/],
  // tsup leaves dependencies external but not optionalDependencies: `webgpu` loads its dawn.node
  // relative to its own files, so it must stay in node_modules too.
  external: [/^@tensorflow\/tfjs-(backend|node)/, 'webgpu'],
  esbuildOptions(options) {
    options.conditions = ['@fcn/source'];
  },
});
