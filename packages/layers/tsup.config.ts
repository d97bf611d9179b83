import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // tfjs-core's gradient registrations are extensionless ESM that plain Node cannot load: inline them.
  noExternal: [/register_all_gradients/],
});
