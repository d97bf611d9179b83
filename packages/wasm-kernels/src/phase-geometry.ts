/**
 * Sub-pixel (phase) decomposition of a transposed convolution along one spatial axis.
 *
 * The input gradient of `y[o] = sum_k x[o*s + k - pad] * w[k]` is
 * `dx[i] = sum_{o, k : o*s + k = i + pad} dy[o] * w[k]`. Writing `i + pad = q*s + r` with phase
 * `0 <= r < s`, the taps that reach `i` are `k = r + s*j`, `o = q - j`, so
 *
 *   dx[q*s + r - pad] = sum_{j < taps(r)} dy[q - j] * w[r + s*j],   taps(r) = ceil((kernel - r) / s)
 *
 * a stride-1 correlation of `dy` per phase with the flipped sub-filter `f[t] = w[r + s*(taps - 1 - t)]`
 * padded by `taps - 1 - firstQ` before. `taps(r)` takes at most two non-zero values, on two runs of
 * consecutive phases (the groups); phases with no taps are zero. Only `q` in
 * `[firstQ, firstQ + count)` reaches `0 <= i < inSize`, the same for every phase.
 */
export interface PhaseAxis {
  stride: number;
  /** Number of `q` values computed, from `floor(pad / s)` to `floor((inSize - 1 + pad) / s)`. */
  count: number;
  /** `dx[i]` sits at index `i + offset` of the interleaved `count * stride` phase grid. */
  offset: number;
  /** Consecutive phases sharing a tap count, each computed by one convolution. */
  groups: PhaseGroup[];
}

export interface PhaseGroup {
  /** Phases `first .. first + size - 1`. */
  first: number;
  size: number;
  taps: number;
  /** Padding of `dy` for this group's convolution; negative means crop. */
  padBefore: number;
  padAfter: number;
}

export function phaseAxis(
  inSize: number,
  outSize: number,
  kernel: number,
  stride: number,
  pad: number,
): PhaseAxis {
  const firstQ = Math.floor(pad / stride);
  const count = Math.floor((inSize - 1 + pad) / stride) - firstQ + 1;
  const groups: PhaseGroup[] = [];
  for (let r = 0; r < Math.min(stride, kernel); r++) {
    const taps = Math.ceil((kernel - r) / stride);
    const last = groups.at(-1);
    if (last?.taps === taps) {
      last.size++;
      continue;
    }
    const padBefore = taps - 1 - firstQ;
    groups.push({ first: r, size: 1, taps, padBefore, padAfter: count + taps - 1 - outSize - padBefore });
  }
  return { stride, count, offset: pad - firstQ * stride, groups };
}
