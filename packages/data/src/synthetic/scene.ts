/**
 * One synthetic VOC scene, rendered in memory: a textured background with some untextured clutter
 * (labelled background), then 2-4 objects of distinct classes at random scales, positions and small
 * rotations, later ones occluding earlier ones, and VOC's void border (index 255, 2-5 px) along every
 * object boundary in the label. Deterministic per seed; pure code.
 */
import { VOID_INDEX } from '../colormap.js';
import type { LabelMap, RgbImage } from '../image.js';
import { mulberry32, permutation, type Rng, randomInt, uniform } from '../random.js';
import { CLASS_LOOKS, type ClassLook, type ShapeKind, type TextureKind } from './classes.js';
import { type Color, hsv } from './color.js';
import { hashCell, valueNoise } from './noise.js';

export interface SceneOptions {
  width: number;
  height: number;
  seed: number;
  /** VOC class indices (1..20) to draw objects from. */
  classes: readonly number[];
  /** Objects per scene, `[min, max]` (default [2, 4]; never more than `classes.length`). */
  objects?: readonly [number, number];
}

export interface SceneObject {
  readonly classIndex: number;
  readonly centerX: number;
  readonly centerY: number;
  /** Geometric-mean radius in pixels. */
  readonly size: number;
}

export interface Scene {
  readonly image: RgbImage;
  /** Raw VOC indices: 0 background, classes 1..20, 255 void border. */
  readonly label: LabelMap;
  /** In drawing order (later ones occlude earlier ones). */
  readonly objects: readonly SceneObject[];
}

function insideShape(shape: ShapeKind, u: number, v: number, phase: readonly number[]): boolean {
  switch (shape) {
    case 'ellipse':
      return u * u + v * v <= 1;
    case 'rectangle': {
      const u2 = u * u;
      const v2 = v * v;
      return u2 * u2 * u2 + v2 * v2 * v2 <= 1;
    }
    case 'triangle':
      return v <= 1 && v >= -1 && Math.abs(u) <= (v + 1) / 2;
    case 'diamond':
      return Math.abs(u) + Math.abs(v) <= 1;
    case 'cross':
      return (Math.abs(u) <= 0.34 && Math.abs(v) <= 1) || (Math.abs(v) <= 0.34 && Math.abs(u) <= 1);
    case 'ring': {
      const r2 = u * u + v * v;
      return r2 <= 1 && r2 >= 0.3;
    }
    case 'star': {
      const r = Math.sqrt(u * u + v * v);
      if (r > 1) return false;
      return r <= 0.62 + 0.38 * Math.cos(5 * Math.atan2(v, u) + phase[0]!);
    }
    case 'blob': {
      const r = Math.sqrt(u * u + v * v);
      if (r > 1) return false;
      const a = Math.atan2(v, u);
      return r <= 0.8 + 0.12 * Math.sin(3 * a + phase[0]!) + 0.08 * Math.sin(5 * a + phase[1]!);
    }
  }
}

/** 0 or 1: which of the object's two colours a pixel at local offset (lu, lv) pixels takes. */
function textureBit(texture: TextureKind, lu: number, lv: number, period: number, salt: number): number {
  const half = period / 2;
  switch (texture) {
    case 'hstripes':
      return Math.floor(lv / half) & 1;
    case 'vstripes':
      return Math.floor(lu / half) & 1;
    case 'diagonal':
      return Math.floor((lu + lv) / (half * Math.SQRT2)) & 1;
    case 'checker':
      return (Math.floor(lu / half) + Math.floor(lv / half)) & 1;
    case 'dots': {
      const fu = lu / period - Math.round(lu / period);
      const fv = lv / period - Math.round(lv / period);
      return fu * fu + fv * fv < 0.09 ? 1 : 0;
    }
    case 'speckle':
      return hashCell(Math.floor(lu / (half / 2)), Math.floor(lv / (half / 2)), salt) & 1;
    case 'rings':
      return Math.floor(Math.sqrt(lu * lu + lv * lv) / half) & 1;
  }
}

function paintBackground(rgb: Uint8ClampedArray, width: number, height: number, rng: Rng): void {
  const count = randomInt(rng, 2, 3);
  const colors: Color[] = Array.from({ length: count }, () =>
    hsv(rng(), uniform(rng, 0.1, 0.75), uniform(rng, 0.25, 0.9)),
  );
  const minSide = Math.min(width, height);
  const mix = valueNoise(width, height, minSide * uniform(rng, 0.25, 0.6), rng);
  const mix2 = count === 3 ? valueNoise(width, height, minSide * uniform(rng, 0.2, 0.5), rng) : undefined;
  // Low-contrast, mid-frequency mottling: texture, but nothing like the objects' regular patterns.
  const mottle = valueNoise(width, height, uniform(rng, 4, 12), rng);
  const mottleAmp = uniform(rng, 6, 22);
  const verticalTilt = uniform(rng, -0.5, 0.5);
  const [a, b] = [colors[0]!, colors[1]!];
  const c = colors[2];
  for (let y = 0, p = 0; y < height; y++) {
    const tilt = 1 + verticalTilt * (y / height - 0.5) * 0.5;
    for (let x = 0; x < width; x++, p++) {
      const t = Math.min(1, mix[p]! * tilt);
      let r = a[0] + (b[0] - a[0]) * t;
      let g = a[1] + (b[1] - a[1]) * t;
      let bl = a[2] + (b[2] - a[2]) * t;
      if (c && mix2) {
        const s = Math.max(0, mix2[p]! - 0.55) * 2.2;
        r += (c[0] - r) * s;
        g += (c[1] - g) * s;
        bl += (c[2] - bl) * s;
      }
      const m = (mottle[p]! - 0.5) * mottleAmp;
      rgb[p * 3] = r + m;
      rgb[p * 3 + 1] = g + m;
      rgb[p * 3 + 2] = bl + m;
    }
  }
}

/** Flat, untextured shapes of any colour: background "stuff" that a model must not call objects. */
function paintClutter(rgb: Uint8ClampedArray, width: number, height: number, rng: Rng): void {
  const n = randomInt(rng, 0, 3);
  const shapes: ShapeKind[] = ['ellipse', 'rectangle', 'diamond'];
  for (let k = 0; k < n; k++) {
    const shape = shapes[randomInt(rng, 0, shapes.length - 1)]!;
    const color = hsv(rng(), uniform(rng, 0.2, 0.9), uniform(rng, 0.3, 0.95));
    const rx = Math.min(width, height) * uniform(rng, 0.08, 0.3);
    const ry = rx * uniform(rng, 0.4, 1.6);
    const cx = uniform(rng, 0, width);
    const cy = uniform(rng, 0, height);
    const alpha = uniform(rng, 0.6, 1);
    forEachPixelIn(width, height, cx, cy, Math.max(rx, ry), 0, (p, lu, lv) => {
      if (!insideShape(shape, lu / rx, lv / ry, [0, 0])) return;
      for (let ch = 0; ch < 3; ch++) rgb[p * 3 + ch] = rgb[p * 3 + ch]! * (1 - alpha) + color[ch]! * alpha;
    });
  }
}

/** Visits the pixels within `radius` of (cx, cy), giving offsets rotated by `-angle` (object frame). */
function forEachPixelIn(
  width: number,
  height: number,
  cx: number,
  cy: number,
  radius: number,
  angle: number,
  visit: (p: number, lu: number, lv: number) => void,
): void {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const x0 = Math.max(0, Math.floor(cx - radius));
  const x1 = Math.min(width - 1, Math.ceil(cx + radius));
  const y0 = Math.max(0, Math.floor(cy - radius));
  const y1 = Math.min(height - 1, Math.ceil(cy + radius));
  for (let y = y0; y <= y1; y++) {
    const dy = y + 0.5 - cy;
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - cx;
      visit(y * width + x, dx * cos + dy * sin, -dx * sin + dy * cos);
    }
  }
}

function paintObject(
  rgb: Uint8ClampedArray,
  instance: Uint8Array,
  classes: Uint8Array,
  width: number,
  height: number,
  classIndex: number,
  look: ClassLook,
  instanceId: number,
  rng: Rng,
): SceneObject {
  const minSide = Math.min(width, height);
  const size = minSide * uniform(rng, 0.16, 0.4);
  const aspect = look.aspect * uniform(rng, 0.8, 1.25);
  const rx = size * Math.sqrt(aspect);
  const ry = size / Math.sqrt(aspect);
  const cx = uniform(rng, 0.08, 0.92) * width;
  const cy = uniform(rng, 0.08, 0.92) * height;
  const angle = uniform(rng, -0.3, 0.3);
  const phase = [uniform(rng, 0, 2 * Math.PI), uniform(rng, 0, 2 * Math.PI)];
  // Texture scale follows the object's scale (half-way: a square-root law), with some jitter.
  const period = Math.max(3, look.period * Math.sqrt(size / 80) * uniform(rng, 0.85, 1.15));
  const offU = uniform(rng, 0, period);
  const offV = uniform(rng, 0, period);
  const salt = Math.floor(rng() * 2 ** 31);
  const hue = look.hue + uniform(rng, -0.2, 0.2);
  const light = hsv(hue, uniform(rng, 0.35, 0.9), uniform(rng, 0.6, 0.98));
  const dark = hsv(hue + uniform(rng, -0.06, 0.06), uniform(rng, 0.3, 0.9), uniform(rng, 0.12, 0.4));
  const [first, second] = rng() < 0.5 ? [light, dark] : [dark, light];
  const shading = uniform(rng, 0.05, 0.2);
  forEachPixelIn(width, height, cx, cy, Math.max(rx, ry) * 1.05, angle, (p, lu, lv) => {
    const u = lu / rx;
    const v = lv / ry;
    if (!insideShape(look.shape, u, v, phase)) return;
    const color = textureBit(look.texture, lu + offU, lv + offV, period, salt) ? second : first;
    const shade = 1 - shading * v;
    rgb[p * 3] = color[0] * shade;
    rgb[p * 3 + 1] = color[1] * shade;
    rgb[p * 3 + 2] = color[2] * shade;
    instance[p] = instanceId;
    classes[p] = classIndex;
  });
  return { classIndex, centerX: cx, centerY: cy, size };
}

/** Sensor-like noise, uniform in +-`amount` per byte (xorshift32: one draw gives three bytes). */
function addGrain(rgb: Uint8ClampedArray, amount: number, rng: Rng): void {
  let state = Math.floor(rng() * 0xfffffffe) + 1;
  const scale = (2 * amount) / 255;
  for (let i = 0; i + 2 < rgb.length; i += 3) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    for (let c = 0; c < 3; c++) {
      const noise = (((state >>> (8 * c)) & 255) - 127.5) * scale;
      rgb[i + c] = rgb[i + c]! + noise;
    }
  }
}

/**
 * Marks `VOID_INDEX` in a band `band` pixels wide along every boundary between instances (object /
 * object and object / background), as VOC's annotators did.
 */
export function drawVoidBorder(
  label: Uint8Array,
  instance: Uint8Array,
  width: number,
  height: number,
  band: number,
): void {
  const edge = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const id = instance[p]!;
      if ((x + 1 < width && instance[p + 1] !== id) || (y + 1 < height && instance[p + width] !== id))
        edge[p] = 1;
    }
  }
  // A square dilation over [-lo, hi] in x, then in y: the boundary between pixels x and x + 1 becomes
  // the stripe x - lo .. x + hi, `band` pixels wide.
  const lo = Math.floor((band - 1) / 2);
  const hi = band - 1 - lo;
  const wide = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!edge[y * width + x]) continue;
      for (let k = Math.max(0, x - lo); k <= Math.min(width - 1, x + hi); k++) wide[y * width + k] = 1;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!wide[y * width + x]) continue;
      for (let k = Math.max(0, y - lo); k <= Math.min(height - 1, y + hi); k++)
        label[k * width + x] = VOID_INDEX;
    }
  }
}

/** Renders one scene. */
export function renderScene(options: SceneOptions): Scene {
  const { width, height, seed, classes } = options;
  const [minObjects, maxObjects] = options.objects ?? [2, 4];
  for (const c of classes) {
    if (CLASS_LOOKS[c] === undefined)
      throw new RangeError(`synthetic VOC: ${c} is not a VOC object class (1..20)`);
  }
  const rng = mulberry32(seed);
  // Clamped: writes saturate and round, so painting needs no clamping of its own.
  const rgb = new Uint8ClampedArray(width * height * 3);
  const instance = new Uint8Array(width * height);
  const label = new Uint8Array(width * height);
  paintBackground(rgb, width, height, rng);
  paintClutter(rgb, width, height, rng);
  const count = Math.min(classes.length, randomInt(rng, minObjects, maxObjects));
  const chosen = permutation(classes.length, rng).slice(0, count);
  const objects = chosen.map((k, i) =>
    paintObject(rgb, instance, label, width, height, classes[k]!, CLASS_LOOKS[classes[k]!]!, i + 1, rng),
  );
  addGrain(rgb, uniform(rng, 3, 9), rng);
  drawVoidBorder(label, instance, width, height, randomInt(rng, 2, 5));
  return {
    image: { width, height, data: new Uint8Array(rgb.buffer) },
    label: { width, height, data: label },
    objects,
  };
}
