export { registerWasmTrainingKernels } from '@fcn/wasm-kernels';
export type { BackendResult, Fallback } from './picker/backend-result.js';
export { WASM_HEAP_MAX_BYTES } from './picker/wasm-heap.js';
