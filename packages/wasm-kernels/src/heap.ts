import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';

/**
 * A float32 view of the whole wasm heap plus element offsets of tensors in it, so copies between
 * tensors are `heap.copyWithin` (a memmove, no allocation). Take it after the last allocation:
 * growing the heap detaches older views.
 */
export interface Float32Heap {
  heap: Float32Array;
  offsetOf(info: TensorInfo): number;
}

export function float32Heap(backend: BackendWasm, anyTensor: TensorInfo): Float32Heap {
  const heap = new Float32Array(backend.typedArrayFromHeap(anyTensor).buffer);
  return { heap, offsetOf: (info) => backend.getMemoryOffset(info.dataId) / Float32Array.BYTES_PER_ELEMENT };
}
