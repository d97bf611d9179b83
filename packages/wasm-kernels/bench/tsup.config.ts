import { defineConfig } from 'tsup';

/**
 * Bundles the kernel benchmarks into the ignored `.bench/` folder. tsx cannot load tfjs-core's gradient
 * registrations (extensionless ESM), so workspace packages come in from their TypeScript sources
 * (`@fcn/source` condition) and those registrations are inlined; TF.js and its backends stay external
 * so that the wasm backend finds its .wasm files in node_modules.
 */
export default defineConfig({
  entry: {
    'conv-shapes': 'bench/conv-shapes.ts',
    'profile-step': 'bench/profile-step.ts',
    'dilated-conv': 'bench/dilated-conv.ts',
  },
  outDir: '.bench',
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  clean: true,
  dts: false,
  silent: true,
  noExternal: [/^@fcn\//, /register_all_gradients/],
  external: [/^@tensorflow\/tfjs-backend/],
  esbuildOptions(options) {
    options.conditions = ['@fcn/source'];
  },
});
