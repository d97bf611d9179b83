import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  getKernel,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

/** Explicit spatial padding of an NHWC convolution; entries may be negative (meaning: crop). */
export interface SpatialPads {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/**
 * Runs the wasm backend's own registered kernels (XNNPACK `Conv2D`, `Transpose`, ...) directly on
 * `TensorInfo`s from inside another kernel, and frees every intermediate it made when disposed,
 * except those handed out with {@link WasmScratch.keep}.
 */
export class WasmScratch {
  private readonly made = new Set<TensorInfo>();

  constructor(readonly backend: BackendWasm) {}

  /** Runs kernel `kernelName` of the wasm backend; its output is freed with this scratch. */
  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const { kernelFunc } = getKernel(kernelName, 'wasm');
    const out = kernelFunc({ inputs, backend: this.backend, attrs }) as TensorInfo;
    this.made.add(out);
    return out;
  }

  /** Allocates an uninitialised float32 tensor on the wasm heap, freed with this scratch. */
  allocate(shape: number[]): TensorInfo {
    const out = this.backend.makeOutput(shape, 'float32');
    this.made.add(out);
    return out;
  }

  /** `sum + part` by the backend's `Add`, freeing both (`part` alone when there is no sum yet). */
  accumulate(sum: TensorInfo | undefined, part: TensorInfo): TensorInfo {
    if (sum === undefined) return part;
    const total = this.run('Add', { a: sum, b: part });
    this.free(sum);
    this.free(part);
    return total;
  }

  /** Exempts `info` from disposal (the kernel's result). */
  keep(info: TensorInfo): TensorInfo {
    this.made.delete(info);
    return info;
  }

  /** Frees an intermediate early (a no-op for tensors this scratch did not make). */
  free(info: TensorInfo): void {
    if (this.made.delete(info)) this.backend.disposeData(info.dataId);
  }

  dispose(): void {
    for (const info of this.made) this.backend.disposeData(info.dataId);
    this.made.clear();
  }
}

/** Runs `body` with a fresh scratch and returns its result, having freed every other intermediate. */
export function withScratch(backend: BackendWasm, body: (scratch: WasmScratch) => TensorInfo): TensorInfo {
  const scratch = new WasmScratch(backend);
  try {
    return scratch.keep(body(scratch));
  } finally {
    scratch.dispose();
  }
}
