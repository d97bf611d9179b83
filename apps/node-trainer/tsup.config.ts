import { defineConfig } from 'tsup';

/**
 * The CLI is bundled: workspace packages come in from their TypeScript sources, and tfjs-core's
 * gradient registrations (extensionless ESM that plain Node cannot load) are inlined. TF.js itself and
 * its backends stay external, so the wasm backend finds its .wasm files in node_modules.
 */
export default defineConfig({
  entry: ['src/cli.ts'],
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  clean: true,
  noExternal: [/^@fcn\//, /register_all_gradients/],
  external: [/^@tensorflow\/tfjs-(?!core\/dist\/register_all_gradients)/, 'webgpu', 'sharp'],
  esbuildOptions(options) {
    options.conditions = ['@fcn/source'];
  },
});
