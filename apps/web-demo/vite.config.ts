import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
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

/**
 * The default model: the checkpoint `pnpm train` wrote (`runs/synthetic/model.safetensors` at the
 * repository root), or the file `FCN_DEMO_MODEL` names; `FCN_DEMO_MODEL=none` builds without one.
 * Copied to `public/model.safetensors` when present, removed from there when not, so a build never
 * serves a stale model.
 */
function defaultModelFile(): Plugin {
  const fromEnv = process.env.FCN_DEMO_MODEL;
  const source = fromEnv ?? join(import.meta.dirname, '..', '..', 'runs', 'synthetic', 'model.safetensors');
  const target = join(import.meta.dirname, 'public', 'model.safetensors');
  return {
    name: 'fcn-default-model',
    buildStart() {
      if (fromEnv !== 'none' && existsSync(source)) {
        mkdirSync(dirname(target), { recursive: true });
        cpSync(source, target);
        this.info(`default model: ${source}`);
      } else {
        rmSync(target, { force: true });
        if (fromEnv !== undefined && fromEnv !== 'none')
          this.error(`FCN_DEMO_MODEL=${fromEnv}: no such file`);
        this.info('no default model: the page starts untrained (run pnpm train, then build again)');
      }
    },
  };
}

export default defineConfig({
  plugins: [tfjsWasmFiles(), defaultModelFile()],
  resolve: { conditions: ['@fcn/source', 'module', 'browser', 'development|production'] },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  // The inference worker is a module worker: ES output keeps the backends' on-demand imports apart.
  worker: { format: 'es' },
  // Not minified: the wasm backend's threaded build turns a function into the source of its worker
  // (toString), and renamed identifiers break that worker ("e is not defined"; tensorflow/tfjs#4253).
  build: { target: 'es2022', minify: false },
});
