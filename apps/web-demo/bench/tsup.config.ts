import { defineConfig } from 'tsup';

/**
 * Bundles the browser benchmark into the ignored `.bench/` folder (as `@fcn/backends` does its own):
 * workspace packages from their TypeScript sources, tfjs-core's gradient registrations inlined, TF.js
 * backends, Vite and playwright-core left in node_modules.
 */
export default defineConfig({
  entry: { 'browser-backends': 'bench/browser-backends.ts' },
  outDir: '.bench',
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  clean: true,
  dts: false,
  silent: true,
  noExternal: [/^@fcn\//, /register_all_gradients/],
  external: [/^@tensorflow\/tfjs-backend/, 'vite', 'playwright-core', 'sharp'],
  esbuildOptions(options) {
    options.conditions = ['@fcn/source'];
  },
});
