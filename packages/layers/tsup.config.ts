import { defineConfig, type Options } from 'tsup';

const common: Options = {
  entry: { index: 'src/index.ts' },
  format: ['esm'],
  sourcemap: true,
  target: 'es2022',
};

export default defineConfig([
  // Bundlers (the `default` export condition): tfjs-core's gradient registrations stay an import of
  // `@tensorflow/tfjs-core/dist/register_all_gradients.js`, which the bundler resolves next to the app's
  // own tfjs-core, so the bundle holds one copy of tfjs-core and its engine.
  { ...common, outDir: 'dist', dts: true, clean: ['*.js', '*.js.map', '*.d.ts'] },
  // Node (the `node` condition): those registrations are extensionless ESM inside a package that is not
  // `"type": "module"`, which plain Node cannot load, so this build inlines them (with the part of tfjs-core
  // they use; its engine and kernel registry live in a global, shared with the app's tfjs-core).
  { ...common, outDir: 'dist/node', dts: false, clean: true, noExternal: [/register_all_gradients/] },
]);
