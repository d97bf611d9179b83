/**
 * What each VOC class looks like in the synthetic VOC: a shape, a texture, a colour tendency and a
 * texture scale. Shape and texture together identify a class (no two classes share both), while
 * colours overlap widely across classes and with the backgrounds, so one pixel's colour says little:
 * a 1x1 convolution cannot separate the classes, a network that sees a neighbourhood can.
 */

export type ShapeKind = 'ellipse' | 'rectangle' | 'triangle' | 'star' | 'ring' | 'diamond' | 'cross' | 'blob';
export type TextureKind = 'hstripes' | 'vstripes' | 'diagonal' | 'checker' | 'dots' | 'speckle' | 'rings';

export interface ClassLook {
  readonly shape: ShapeKind;
  readonly texture: TextureKind;
  /** Width / height of the shape before rotation. */
  readonly aspect: number;
  /** Centre of the hue distribution, in turns (0..1); objects spread +-0.2 around it. */
  readonly hue: number;
  /** Texture period in pixels at the reference object size (scaled with the object). */
  readonly period: number;
}

/** Looks for the 20 object classes, by VOC index (1 = aeroplane ... 20 = tv/monitor). */
export const CLASS_LOOKS: Readonly<Record<number, ClassLook>> = {
  1: { shape: 'triangle', texture: 'diagonal', aspect: 1.3, hue: 0.58, period: 14 },
  2: { shape: 'ring', texture: 'hstripes', aspect: 1.0, hue: 0.75, period: 10 },
  3: { shape: 'triangle', texture: 'speckle', aspect: 0.9, hue: 0.15, period: 8 },
  4: { shape: 'rectangle', texture: 'rings', aspect: 2.0, hue: 0.55, period: 12 },
  5: { shape: 'rectangle', texture: 'vstripes', aspect: 0.45, hue: 0.3, period: 10 },
  6: { shape: 'rectangle', texture: 'hstripes', aspect: 1.8, hue: 0.12, period: 14 },
  7: { shape: 'rectangle', texture: 'checker', aspect: 1.6, hue: 0.0, period: 16 },
  8: { shape: 'blob', texture: 'speckle', aspect: 1.2, hue: 0.08, period: 8 },
  9: { shape: 'cross', texture: 'vstripes', aspect: 0.9, hue: 0.05, period: 10 },
  10: { shape: 'blob', texture: 'checker', aspect: 1.5, hue: 0.1, period: 20 },
  11: { shape: 'rectangle', texture: 'diagonal', aspect: 2.0, hue: 0.07, period: 16 },
  12: { shape: 'ellipse', texture: 'dots', aspect: 1.4, hue: 0.09, period: 14 },
  13: { shape: 'blob', texture: 'hstripes', aspect: 1.5, hue: 0.06, period: 12 },
  14: { shape: 'ring', texture: 'checker', aspect: 1.2, hue: 0.95, period: 12 },
  15: { shape: 'ellipse', texture: 'hstripes', aspect: 0.6, hue: 0.9, period: 12 },
  16: { shape: 'star', texture: 'dots', aspect: 1.0, hue: 0.33, period: 16 },
  17: { shape: 'blob', texture: 'dots', aspect: 1.4, hue: 0.16, period: 10 },
  18: { shape: 'star', texture: 'speckle', aspect: 1.6, hue: 0.7, period: 8 },
  19: { shape: 'diamond', texture: 'vstripes', aspect: 2.2, hue: 0.45, period: 14 },
  20: { shape: 'diamond', texture: 'checker', aspect: 1.2, hue: 0.62, period: 10 },
};

/**
 * The classes a synthetic VOC uses unless told otherwise: aeroplane (1), car (7), cat (8), person
 * (15) and potted plant (16), plus background. Five looks with five different shapes (triangle,
 * rectangle, blob, ellipse, star) and five different textures (diagonal stripes, checker, speckle,
 * horizontal stripes, dots): enough to need context, few enough for an FCN to learn in minutes on a CPU.
 */
export const SYNTHETIC_DEFAULT_CLASSES: readonly number[] = [1, 7, 8, 15, 16];
