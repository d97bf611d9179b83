/**
 * What the wasm backend's XNNPACK matrix products cost, measured on the development machine (2 threads,
 * AMD EPYC Zen 4, Node 20), for choosing between formulations of a convolution by estimate. Absolute
 * times move with the machine; the choices rest on their ratios.
 *
 * XNNPACK's fully-connected operator (tfjs' `BatchMatMul`) packs its right operand when it is created,
 * and tfjs creates one for every right operand it has not seen: in training, every call. Packing takes
 * about 8 ns a value (single-threaded; 4 to 11 ns across shapes, `[1, K] x [K, N]` with K·N from 65 K to
 * 1 M, against ~0.3 ns a value for a plain copy). Each call costs about 70 µs besides, even with its
 * operand packed already: an 8x8x8 product takes 68-90 µs on 2 threads and 13 µs on one, so most of it
 * is waking the thread pool's worker, which sleeps between calls. The products run at about 40 GFLOP/s
 * on 2 threads (a 600x64x64 one no faster than on one thread: the wake-up eats the second thread).
 */
export const PACK_NS = 8;
export const CALL_NS = 70_000;
export const FLOP_NS = 1 / 40;

/** A SIMD pass (transform, transpose, im2col) writing one value: about 1 ns, reads included. */
export const PASS_NS = 1;

/** `calls` products packing `packed` right-operand values in all and doing `flops` multiply-adds x 2. */
export function productNs(packed: number, calls: number, flops: number): number {
  return PACK_NS * packed + CALL_NS * calls + FLOP_NS * flops;
}
