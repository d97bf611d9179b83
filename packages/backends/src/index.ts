export type { BackendResult, Fallback } from './picker/backend-result.js';
export { WASM_HEAP_MAX_BYTES } from './picker/wasm-heap.js';
export { registerWasmTrainingKernels } from './wasm-kernels/index.js';
