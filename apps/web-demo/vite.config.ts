import { cpSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

/** Cross-origin isolation lets the wasm backend use threads (SharedArrayBuffer). */
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Serve TF.js's wasm binaries from this site (`/tfjs-wasm/`), never from a CDN. */
function tfjsWasmFiles(): Plugin {
  const require = createRequire(import.meta.url);
  const source = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  const target = join(import.meta.dirname, 'public', 'tfjs-wasm');
  return {
    name: 'tfjs-wasm-files',
    buildStart() {
      mkdirSync(target, { recursive: true });
      for (const file of [
        'tfjs-backend-wasm.wasm',
        'tfjs-backend-wasm-simd.wasm',
        'tfjs-backend-wasm-threaded-simd.wasm',
      ]) {
        cpSync(join(source, file), join(target, file));
      }
    },
  };
}

export default defineConfig({
  plugins: [tfjsWasmFiles()],
  resolve: { conditions: ['@fcn/source', 'module', 'browser', 'development|production'] },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  build: { target: 'es2022' },
});
