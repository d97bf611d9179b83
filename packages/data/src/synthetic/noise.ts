/** Smooth value noise for backgrounds: random values on a coarse grid, interpolated with smoothstep. */
import type { Rng } from '../random.js';

/** A `width` x `height` field in [0, 1] varying over about `cell` pixels. */
export function valueNoise(width: number, height: number, cell: number, rng: Rng): Float32Array {
  const gw = Math.ceil(width / cell) + 2;
  const gh = Math.ceil(height / cell) + 2;
  const grid = new Float32Array(gw * gh).map(() => rng());
  // A random offset so that grid lines do not sit at the same place in every image.
  const ox = rng() * cell;
  const oy = rng() * cell;
  const smooth = (t: number): number => t * t * (3 - 2 * t);
  const xi = new Int32Array(width);
  const xf = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const gx = (x + ox) / cell;
    xi[x] = Math.floor(gx);
    xf[x] = smooth(gx - Math.floor(gx));
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const gy = (y + oy) / cell;
    const y0 = Math.floor(gy);
    const fy = smooth(gy - y0);
    const row0 = y0 * gw;
    const row1 = row0 + gw;
    for (let x = 0; x < width; x++) {
      const x0 = xi[x]!;
      const fx = xf[x]!;
      const top = grid[row0 + x0]! + (grid[row0 + x0 + 1]! - grid[row0 + x0]!) * fx;
      const bottom = grid[row1 + x0]! + (grid[row1 + x0 + 1]! - grid[row1 + x0]!) * fx;
      out[y * width + x] = top + (bottom - top) * fy;
    }
  }
  return out;
}

/** A 32-bit integer hash of a cell (for speckle textures): stable, no state. */
export function hashCell(x: number, y: number, salt: number): number {
  let h = Math.imul(x | 0, 0x27d4eb2d) ^ Math.imul(y | 0, 0x165667b1) ^ salt;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
