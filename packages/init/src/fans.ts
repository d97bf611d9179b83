/** Where the input and output channel axes sit in a weight tensor's shape. */
export type WeightLayout =
  /** Conv2d filters in TF.js: [kh, kw, in, out]; also dense weights [in, out]. */
  | 'HWIO'
  /** conv2dTranspose filters in TF.js: [kh, kw, out, in]. */
  | 'HWOI';

export interface Fans {
  fanIn: number;
  fanOut: number;
}

/**
 * Fan-in and fan-out of a weight, as PyTorch and MXNet count them: channels times the receptive field.
 * A rank-2 shape is a dense [in, out] matrix; a rank-4 shape is a conv filter in the given layout.
 */
export function computeFans(shape: readonly number[], layout: WeightLayout = 'HWIO'): Fans {
  if (shape.length === 2) {
    const [inDim, outDim] = shape as [number, number];
    return { fanIn: inDim, fanOut: outDim };
  }
  if (shape.length === 4) {
    const [kh, kw, a, b] = shape as [number, number, number, number];
    const field = kh * kw;
    const [inC, outC] = layout === 'HWIO' ? [a, b] : [b, a];
    return { fanIn: inC * field, fanOut: outC * field };
  }
  throw new Error(
    `computeFans: expected a rank-2 [in, out] or rank-4 [kh, kw, *, *] shape, got [${shape.join(', ')}]`,
  );
}
