/**
 * The most memory the tfjs wasm module can grow its heap to: 65535 pages of 64 KiB, i.e. 4 GiB less
 * one page. This is `getHeapMax()` in the Emscripten glue of all three tfjs 4.22 builds (plain, SIMD,
 * threaded SIMD), which `emscripten_resize_heap` will not grow past; a test reads it from the glue.
 */
export const WASM_HEAP_MAX_BYTES = 4_294_901_760;
