/**
 * Direct-loop references with PyTorch semantics, written from the definitions, for checking layers.
 * Arrays are NHWC; filters HWIO for conv and HWOI ([k, k, out, in]) for the transposed conv.
 */
export interface NaiveConvArgs {
  x: Float32Array;
  xShape: [number, number, number, number];
  w: Float32Array;
  k: [number, number];
  outChannels: number;
  stride: number;
  padding: number;
}

export function naiveConv2d({ x, xShape, w, k, outChannels, stride, padding }: NaiveConvArgs) {
  const [n, h, wd, c] = xShape;
  const oh = Math.floor((h + 2 * padding - k[0]) / stride) + 1;
  const ow = Math.floor((wd + 2 * padding - k[1]) / stride) + 1;
  const out = new Float32Array(n * oh * ow * outChannels);
  for (let b = 0; b < n; b++)
    for (let r = 0; r < oh; r++)
      for (let q = 0; q < ow; q++)
        for (let o = 0; o < outChannels; o++) {
          let acc = 0;
          for (let i = 0; i < k[0]; i++)
            for (let j = 0; j < k[1]; j++) {
              const y = r * stride - padding + i;
              const xx = q * stride - padding + j;
              if (y < 0 || y >= h || xx < 0 || xx >= wd) continue;
              for (let ci = 0; ci < c; ci++) {
                acc += x[((b * h + y) * wd + xx) * c + ci]! * w[((i * k[1] + j) * c + ci) * outChannels + o]!;
              }
            }
          out[((b * oh + r) * ow + q) * outChannels + o] = acc;
        }
  return { values: out, shape: [n, oh, ow, outChannels] };
}

/** Each input pixel scatters its filter-weighted value into the output; then `padding` is cropped. */
export function naiveConvTranspose2d({ x, xShape, w, k, outChannels, stride, padding }: NaiveConvArgs) {
  const [n, h, wd, c] = xShape;
  const fullH = (h - 1) * stride + k[0];
  const fullW = (wd - 1) * stride + k[1];
  const oh = fullH - 2 * padding;
  const ow = fullW - 2 * padding;
  const out = new Float32Array(n * oh * ow * outChannels);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let xx = 0; xx < wd; xx++)
        for (let i = 0; i < k[0]; i++)
          for (let j = 0; j < k[1]; j++) {
            const r = y * stride + i - padding;
            const q = xx * stride + j - padding;
            if (r < 0 || r >= oh || q < 0 || q >= ow) continue;
            for (let o = 0; o < outChannels; o++)
              for (let ci = 0; ci < c; ci++) {
                out[((b * oh + r) * ow + q) * outChannels + o]! +=
                  x[((b * h + y) * wd + xx) * c + ci]! * w[((i * k[1] + j) * outChannels + o) * c + ci]!;
              }
          }
  return { values: out, shape: [n, oh, ow, outChannels] };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
