import { bilinearKernel, xavier } from '@fcn/init';
import { Conv2d, ConvTranspose2d, Module } from '@fcn/layers';
import * as tf from '@tensorflow/tfjs-core';
import { type ResNetArch, ResNetTrunk, type TrunkConfig } from './resnet.js';
import { seedSequence } from './seeds.js';

/** FCN-32s upsamples the stride-32 scores once; 16s and 8s first fuse the stride-16 (and stride-8) stages. */
export type FcnVariant = '32s' | '16s' | '8s';

/** How the transposed convs start: bilinear upsampling (the chapter) or Xavier (its second exercise). */
export type UpsampleInit = 'bilinear' | 'xavier';

/** Everything needed to rebuild an FCN (this travels in the weight-file metadata). */
export interface FcnConfig {
  trunk: TrunkConfig;
  variant: FcnVariant;
  numClasses: number;
  upsampleInit: UpsampleInit;
  /** Optional, one per class. */
  classNames?: string[];
}

/** A trunk: an instance (e.g. with ImageNet weights loaded), an architecture, or an architecture and width. */
export type TrunkSpec = ResNetTrunk | ResNetArch | { arch: ResNetArch; width?: number };

export interface FcnOptions {
  /** Default 21, PASCAL VOC's. */
  numClasses?: number;
  /** Default '32s', the chapter's model. */
  variant?: FcnVariant;
  /** Default 'resnet18' at width 64. */
  trunk?: TrunkSpec;
  /** Default 'bilinear'. */
  init?: UpsampleInit;
  classNames?: string[];
  /** Base seed of all random initialisation (the trunk's too when built here). Default: `manualSeed`'s sequence. */
  seed?: number;
}

export const FCN_VARIANTS: readonly FcnVariant[] = ['32s', '16s', '8s'];

/** The stride of the last feature map each variant upsamples from. */
const FINAL_STRIDE: Record<FcnVariant, number> = { '32s': 32, '16s': 16, '8s': 8 };

/**
 * A Fully Convolutional Network on a ResNet trunk, NHWC in, NHWC logits out (N x H x W x numClasses for
 * H and W multiples of 32). Children, which are also the state-dict prefixes:
 * - `trunk`: the ResNet without pooling and classifier;
 * - `final_conv`: 1x1 conv from the last stage to class scores (Xavier, bias 0);
 * - 16s, 8s: `score_layer3` (and `score_layer2`), 1x1 convs scoring the stride-16 (stride-8) stage, and
 *   `upscore_layer4` (and `upscore_layer3`), 2x upsampling transposed convs k=4, s=2, p=1; the paper's
 *   skip connections: upsample the coarser scores, add the finer stage's scores;
 * - `transpose_conv`: the final upsampling back to the input size, k = 2s, stride s, padding s/2 with
 *   s = 32, 16 or 8 (FCN-32s: k=64, s=32, p=16, the chapter's layer).
 * Transposed convs start bilinear (or Xavier with `init: 'xavier'`), biases at 0.
 */
export class FCN extends Module {
  readonly trunk: ResNetTrunk;
  readonly finalConv: Conv2d;
  readonly scoreLayer3: Conv2d | null = null;
  readonly upscoreLayer4: ConvTranspose2d | null = null;
  readonly scoreLayer2: Conv2d | null = null;
  readonly upscoreLayer3: ConvTranspose2d | null = null;
  readonly transposeConv: ConvTranspose2d;
  readonly config: FcnConfig;
  /** The prefix of the trunk's keys in this model's state dict. */
  readonly trunkPrefix = 'trunk.';

  constructor(options: FcnOptions = {}) {
    super();
    const { numClasses = 21, variant = '32s', init = 'bilinear', classNames } = options;
    if (!Number.isInteger(numClasses) || numClasses < 1) {
      throw new Error(`numClasses must be a positive integer, got ${numClasses}`);
    }
    if (!FCN_VARIANTS.includes(variant)) {
      throw new Error(`unknown FCN variant '${variant}' (known: ${FCN_VARIANTS.join(', ')})`);
    }
    if (init !== 'bilinear' && init !== 'xavier') throw new Error(`unknown upsampling init '${init}'`);
    if (classNames && classNames.length !== numClasses) {
      throw new Error(`${classNames.length} class names given for ${numClasses} classes`);
    }
    const nextSeed = seedSequence(options.seed);
    this.trunk = this.registerModule('trunk', buildTrunk(options.trunk, options.seed));
    this.config = {
      trunk: { ...this.trunk.config },
      variant,
      numClasses,
      upsampleInit: init,
      ...(classNames ? { classNames: [...classNames] } : {}),
    };
    const [, c2, c3, c4] = this.trunk.stageChannels;
    const score = (inChannels: number) => scoreConv(inChannels, numClasses, nextSeed());
    const upsample = (stride: number) => upsampleConv(numClasses, stride, init, nextSeed());
    this.finalConv = this.registerModule('final_conv', score(c4));
    if (variant !== '32s') {
      this.scoreLayer3 = this.registerModule('score_layer3', score(c3));
      this.upscoreLayer4 = this.registerModule('upscore_layer4', upsample(2));
    }
    if (variant === '8s') {
      this.scoreLayer2 = this.registerModule('score_layer2', score(c2));
      this.upscoreLayer3 = this.registerModule('upscore_layer3', upsample(2));
    }
    this.transposeConv = this.registerModule('transpose_conv', upsample(FINAL_STRIDE[variant]));
  }

  get numClasses(): number {
    return this.config.numClasses;
  }

  get variant(): FcnVariant {
    return this.config.variant;
  }

  /** Class logits, NHWC: N x H x W x numClasses. */
  forward(x: tf.Tensor): tf.Tensor4D {
    const { variant } = this.config;
    if (variant !== '32s' && (x.shape[1]! % 32 !== 0 || x.shape[2]! % 32 !== 0)) {
      throw new Error(
        `FCN-${variant} needs input height and width that are multiples of 32, got ${x.shape[1]}x${x.shape[2]}`,
      );
    }
    return tf.tidy(() => {
      if (variant === '32s') return this.transposeConv.forward(this.finalConv.forward(this.trunk.forward(x)));
      const [, s8, s16, s32] = this.trunk.forwardStages(x);
      let scores: tf.Tensor = tf.add(
        this.upscoreLayer4!.forward(this.finalConv.forward(s32)),
        this.scoreLayer3!.forward(s16),
      );
      if (variant === '8s') {
        scores = tf.add(this.upscoreLayer3!.forward(scores), this.scoreLayer2!.forward(s8));
      }
      return this.transposeConv.forward(scores);
    });
  }
}

/** Build an FCN: `fcn({ numClasses: 21, variant: '8s', trunk: pretrained })`. */
export function fcn(options: FcnOptions = {}): FCN {
  return new FCN(options);
}

function buildTrunk(spec: TrunkSpec = 'resnet18', seed?: number): ResNetTrunk {
  if (spec instanceof ResNetTrunk) return spec;
  // The trunk's seeds are offset so they never coincide with the head's.
  const trunkSeed = seed === undefined ? undefined : seed + 1_000_001;
  if (typeof spec === 'string') return new ResNetTrunk(spec, { seed: trunkSeed });
  return new ResNetTrunk(spec.arch, { width: spec.width, seed: trunkSeed });
}

/** A 1x1 class-score conv: MXNet `init.Xavier()` weight (the chapter's), bias 0. */
function scoreConv(inChannels: number, numClasses: number, seed: number): Conv2d {
  const conv = new Conv2d(inChannels, numClasses, 1, {
    seed,
    weightInit: (shape, s) => xavier(shape, { seed: s }),
  });
  zeroBias(conv);
  return conv;
}

/** A transposed conv upsampling by `stride`: kernel 2s, padding s/2, so out = in * s exactly. */
function upsampleConv(numClasses: number, stride: number, init: UpsampleInit, seed: number): ConvTranspose2d {
  const k = 2 * stride;
  const conv = new ConvTranspose2d(numClasses, numClasses, k, {
    stride,
    padding: stride / 2,
    seed,
    weightInit:
      init === 'bilinear'
        ? () => bilinearKernel(numClasses, numClasses, k)
        : (shape, s) => xavier(shape, { seed: s, layout: 'HWOI' }),
  });
  zeroBias(conv);
  return conv;
}

function zeroBias(layer: Conv2d | ConvTranspose2d): void {
  const { bias } = layer;
  if (bias) tf.tidy(() => bias.assign(tf.zerosLike(bias)));
}
