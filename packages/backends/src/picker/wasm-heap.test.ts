import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { WASM_HEAP_MAX_BYTES } from './wasm-heap.js';

const require = createRequire(import.meta.url);
const builds = ['tfjs-backend-wasm', 'tfjs-backend-wasm-simd', 'tfjs-backend-wasm-threaded-simd'];

describe('WASM_HEAP_MAX_BYTES', () => {
  it.each(builds)('is the heap maximum in the %s glue', (build) => {
    const glue = readFileSync(require.resolve(`@tensorflow/tfjs-backend-wasm/wasm-out/${build}.js`), 'utf8');
    expect(glue).toContain(`function getHeapMax(){return ${WASM_HEAP_MAX_BYTES}}`);
  });
});
