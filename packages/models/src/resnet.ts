import { BatchNorm2d, type Conv2d, MaxPool2d, Module, ReLU, Sequential } from '@fcn/layers';
import * as tf from '@tensorflow/tfjs-core';
import { BasicBlock, resnetConv } from './basic-block.js';
import { seedSequence } from './seeds.js';

export type ResNetArch = 'resnet18' | 'resnet34';

/** Blocks per stage of each architecture (both use torchvision's BasicBlock). */
export const RESNET_BLOCKS: Record<ResNetArch, readonly [number, number, number, number]> = {
  resnet18: [2, 2, 2, 2],
  resnet34: [3, 4, 6, 3],
};

/** What a trunk is: enough to rebuild it (this travels in weight-file metadata). */
export interface TrunkConfig {
  arch: ResNetArch;
  /** Channels of the stem and the first stage; the stages have width, 2, 4 and 8 times it. 64 in torchvision. */
  width: number;
}

export interface ResNetOptions {
  /** Base channel count (default 64, torchvision's). A narrow trunk (e.g. 8) has the same strides. */
  width?: number;
  /** Base seed of the conv initialisation; default: the `manualSeed` sequence of `@fcn/layers`. */
  seed?: number;
}

/** Outputs of the four stages, at strides 4, 8, 16 and 32 of the input. */
export type StageOutputs = [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];

/**
 * A torchvision ResNet (v1) without its global pooling and classifier: conv 7x7/2 pad 3, BatchNorm,
 * ReLU, max pool 3/2 pad 1, then four stages (`layer1`..`layer4`) of BasicBlocks with width x1, x2, x4,
 * x8 channels, the last three starting with stride 2. NHWC in; NHWC out at 1/32 of the input's height
 * and width (1x320x480x3 gives 1x10x15x512). State-dict keys are torchvision's (`conv1.weight`,
 * `bn1.running_mean`, `layer2.0.downsample.0.weight`, ...). Convs start from torchvision's Kaiming
 * normal (fan-out), BatchNorm from weight 1 and bias 0.
 */
export class ResNetTrunk extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly relu: ReLU;
  readonly maxpool: MaxPool2d;
  readonly layers: [Sequential, Sequential, Sequential, Sequential];
  readonly config: TrunkConfig;
  /** Output channels of layer1..layer4. */
  readonly stageChannels: [number, number, number, number];

  constructor(arch: ResNetArch, options: ResNetOptions = {}) {
    super();
    const blocks = RESNET_BLOCKS[arch];
    if (!blocks)
      throw new Error(`unknown ResNet architecture '${arch}' (known: ${Object.keys(RESNET_BLOCKS)})`);
    const width = options.width ?? 64;
    if (!Number.isInteger(width) || width < 1)
      throw new Error(`ResNet width must be a positive integer, got ${width}`);
    this.config = { arch, width };
    const nextSeed = seedSequence(options.seed);
    this.stageChannels = [width, 2 * width, 4 * width, 8 * width];
    this.conv1 = this.registerModule('conv1', resnetConv(3, width, 7, 2, 3, nextSeed()));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(width));
    this.relu = this.registerModule('relu', new ReLU());
    this.maxpool = this.registerModule('maxpool', new MaxPool2d(3, { stride: 2, padding: 1 }));
    let inChannels = width;
    this.layers = this.stageChannels.map((channels, stage) => {
      const stageBlocks: BasicBlock[] = [];
      for (let b = 0; b < blocks[stage]!; b++) {
        const stride = b === 0 && stage > 0 ? 2 : 1;
        stageBlocks.push(new BasicBlock(inChannels, channels, stride, nextSeed));
        inChannels = channels;
      }
      return this.registerModule(`layer${stage + 1}`, new Sequential(...stageBlocks));
    }) as [Sequential, Sequential, Sequential, Sequential];
  }

  /** Output channels of the last stage (512 for a full-width ResNet-18/34). */
  get outChannels(): number {
    return this.stageChannels[3];
  }

  /** The stem (conv, BN, ReLU, max pool): stride 4. */
  stem(x: tf.Tensor): tf.Tensor4D {
    return tf.tidy(
      () => this.maxpool.forward(tf.relu(this.bn1.forward(this.conv1.forward(x)))) as tf.Tensor4D,
    );
  }

  /** The outputs of layer1..layer4 (strides 4, 8, 16, 32), for heads with skip connections. */
  forwardStages(x: tf.Tensor): StageOutputs {
    assertImages(x);
    return tf.tidy(() => {
      const outputs: tf.Tensor4D[] = [];
      let h: tf.Tensor = this.stem(x);
      for (const layer of this.layers) {
        h = layer.forward(h);
        outputs.push(h as tf.Tensor4D);
      }
      return outputs as StageOutputs;
    });
  }

  /** The last stage's output, NHWC at stride 32. */
  forward(x: tf.Tensor): tf.Tensor4D {
    assertImages(x);
    return tf.tidy(() => {
      let h: tf.Tensor = this.stem(x);
      for (const layer of this.layers) h = layer.forward(h);
      return h as tf.Tensor4D;
    });
  }
}

function assertImages(x: tf.Tensor): void {
  if (x.rank !== 4 || x.shape[3] !== 3) {
    throw new Error(`ResNet expects NHWC images with 3 channels, got shape [${x.shape}]`);
  }
}

/** torchvision's ResNet-18 trunk (11,176,512 parameters at width 64). */
export function resnet18Trunk(options: ResNetOptions = {}): ResNetTrunk {
  return new ResNetTrunk('resnet18', options);
}

/** torchvision's ResNet-34 trunk (21,284,672 parameters at width 64). */
export function resnet34Trunk(options: ResNetOptions = {}): ResNetTrunk {
  return new ResNetTrunk('resnet34', options);
}
