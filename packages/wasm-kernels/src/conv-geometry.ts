import { backend_util } from '@tensorflow/tfjs-core';
import type { SpatialPads } from './wasm-scratch.js';

type Shape4D = [number, number, number, number];
type PadAttr = 'valid' | 'same' | number | backend_util.ExplicitPadding;

/** The forward convolution a gradient kernel belongs to, with its padding resolved to explicit sides. */
export interface ForwardConv {
  strides: [number, number];
  filter: [number, number];
  pads: SpatialPads;
}

/**
 * Resolves the forward convolution `x (inShape) * filter (filterShape) -> y` of a gradient kernel's
 * attributes, as TF.js does (`'same'`, `'valid'`, a number or explicit `[[0,0],[t,b],[l,r],[0,0]]`),
 * and checks that `dy` has the forward output's shape.
 */
export function resolveForwardConv(
  kernelName: string,
  inShape: Shape4D,
  filterShape: Shape4D,
  dyShape: number[],
  attrs: { strides: [number, number] | number; pad: PadAttr; dataFormat: string; dimRoundingMode?: string },
): ForwardConv {
  if (attrs.dataFormat !== 'NHWC') {
    throw new Error(`${kernelName} on wasm supports dataFormat 'NHWC' only, got '${attrs.dataFormat}'`);
  }
  const info = backend_util.computeConv2DInfo(
    inShape,
    filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
  );
  const [batch, outHeight, outWidth, outChannels] = dyShape;
  if (
    batch !== info.batchSize ||
    outHeight !== info.outHeight ||
    outWidth !== info.outWidth ||
    outChannels !== info.outChannels
  ) {
    throw new Error(
      `${kernelName}: dy shape [${dyShape}] does not match the forward output [${info.outShape}]`,
    );
  }
  const { top, bottom, left, right } = info.padInfo;
  return {
    strides: [info.strideHeight, info.strideWidth],
    filter: [info.filterHeight, info.filterWidth],
    pads: { top, bottom, left, right },
  };
}
