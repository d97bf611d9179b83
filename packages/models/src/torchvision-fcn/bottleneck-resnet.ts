import { BatchNorm2d, type Conv2d, MaxPool2d, Module, ReLU, Sequential } from '@fcn/layers';
import * as tf from '@tensorflow/tfjs-core';
import { resnetConv } from '../basic-block.js';
import type { StageOutputs } from '../resnet.js';
import { seedSequence } from '../seeds.js';
import { BOTTLENECK_EXPANSION, Bottleneck } from './bottleneck.js';

/** The Bottleneck ResNets torchvision names. */
export type BottleneckArch = 'resnet50' | 'resnet101' | 'resnet152';

/** Blocks in layer1..layer4. */
export type StageBlocks = [number, number, number, number];

/** Blocks per stage of torchvision's Bottleneck ResNets. */
export const BOTTLENECK_BLOCKS: Record<BottleneckArch, Readonly<StageBlocks>> = {
  resnet50: [3, 4, 6, 3],
  resnet101: [3, 4, 23, 3],
  resnet152: [3, 8, 36, 3],
};

/** The torchvision name of a block count, or 'custom'. */
export function bottleneckArchOf(blocks: Readonly<StageBlocks>): BottleneckArch | 'custom' {
  for (const [arch, known] of Object.entries(BOTTLENECK_BLOCKS)) {
    if (known.every((n, i) => n === blocks[i])) return arch as BottleneckArch;
  }
  return 'custom';
}

export interface BottleneckResNetOptions {
  /**
   * torchvision's `replace_stride_with_dilation` for layer2, layer3, layer4: a stage marked true keeps
   * its resolution (stride 1) and dilates its 3x3 convs instead. Default [false, false, false] (stride
   * 32); torchvision's FCN and DeepLabV3 use [false, true, true] (stride 8).
   */
  replaceStrideWithDilation?: readonly [boolean, boolean, boolean];
  /** Base seed of the conv initialisation; default: the `manualSeed` sequence of `@fcn/layers`. */
  seed?: number;
}

/** Base width of torchvision's ResNets: the stem has 64 channels, the stages 64..512 planes. */
const BASE_PLANES = 64;

/**
 * torchvision's Bottleneck ResNet (ResNet-50/101/152, v1.5) without global pooling and classifier:
 * conv 7x7/2 pad 3, BatchNorm, ReLU, max pool 3/2 pad 1, then `layer1`..`layer4` of Bottlenecks with
 * 64, 128, 256, 512 planes (256, 512, 1024, 2048 output channels). NHWC in and out. Dilation follows
 * torchvision's `_make_layer` exactly: a stage marked in `replaceStrideWithDilation` multiplies the
 * running dilation by its stride and drops the stride; its first block keeps the previous dilation,
 * the others take the new one. State-dict keys are torchvision's (`conv1.weight`,
 * `layer3.5.conv2.weight`, `layer4.0.downsample.1.running_var`, ...).
 */
export class BottleneckResNet extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly relu: ReLU;
  readonly maxpool: MaxPool2d;
  readonly layers: [Sequential, Sequential, Sequential, Sequential];
  readonly blocks: StageBlocks;
  readonly replaceStrideWithDilation: [boolean, boolean, boolean];
  /** Output channels of layer1..layer4: 256, 512, 1024, 2048. */
  readonly stageChannels: [number, number, number, number];
  /** Dilation of the 3x3 convs of each block, stage by stage (torchvision's `dilation` argument). */
  readonly blockDilations: number[][];
  /** Stride of each stage's output relative to the input (4, 8, 16, 32 without dilation). */
  readonly stageStrides: [number, number, number, number];

  constructor(blocks: Readonly<StageBlocks>, options: BottleneckResNetOptions = {}) {
    super();
    if (blocks.length !== 4 || !blocks.every((n) => Number.isInteger(n) && n >= 1)) {
      throw new Error(`a Bottleneck ResNet needs 4 positive block counts, got [${blocks}]`);
    }
    const dilate = options.replaceStrideWithDilation ?? [false, false, false];
    if (dilate.length !== 3) {
      throw new Error(`replaceStrideWithDilation needs 3 entries (layer2..layer4), got [${dilate}]`);
    }
    this.blocks = [...blocks] as StageBlocks;
    this.replaceStrideWithDilation = [...dilate] as [boolean, boolean, boolean];
    const nextSeed = seedSequence(options.seed);
    this.conv1 = this.registerModule('conv1', resnetConv(3, BASE_PLANES, 7, 2, 3, nextSeed()));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(BASE_PLANES));
    this.relu = this.registerModule('relu', new ReLU());
    this.maxpool = this.registerModule('maxpool', new MaxPool2d(3, { stride: 2, padding: 1 }));

    let inChannels = BASE_PLANES;
    let dilation = 1;
    let outputStride = 4;
    const stageStrides: number[] = [];
    this.blockDilations = [];
    this.layers = this.blocks.map((count, stage) => {
      const planes = BASE_PLANES * 2 ** stage;
      let stride = stage === 0 ? 1 : 2;
      const previousDilation = dilation;
      if (stage > 0 && dilate[stage - 1]) {
        dilation *= stride;
        stride = 1;
      }
      outputStride *= stride;
      stageStrides.push(outputStride);
      const outChannels = planes * BOTTLENECK_EXPANSION;
      const stageBlocks = [
        new Bottleneck(inChannels, planes, nextSeed, {
          stride,
          dilation: previousDilation,
          downsample: stride !== 1 || inChannels !== outChannels,
        }),
      ];
      for (let b = 1; b < count; b++) {
        stageBlocks.push(new Bottleneck(outChannels, planes, nextSeed, { dilation }));
      }
      inChannels = outChannels;
      this.blockDilations.push(stageBlocks.map((block) => block.dilation));
      return this.registerModule(`layer${stage + 1}`, new Sequential(...stageBlocks));
    }) as [Sequential, Sequential, Sequential, Sequential];
    this.stageStrides = stageStrides as [number, number, number, number];
    this.stageChannels = [256, 512, 1024, 2048];
  }

  /** torchvision's name for these blocks ('resnet50', 'resnet101', 'resnet152'), else 'custom'. */
  get arch(): BottleneckArch | 'custom' {
    return bottleneckArchOf(this.blocks);
  }

  /** Output channels of the last stage: 2048. */
  get outChannels(): number {
    return this.stageChannels[3];
  }

  /** Stride of the last stage's output: 32, or 8 with layer3 and layer4 dilated. */
  get outputStride(): number {
    return this.stageStrides[3];
  }

  /** The stem (conv, BN, ReLU, max pool): stride 4. */
  stem(x: tf.Tensor): tf.Tensor4D {
    return tf.tidy(
      () => this.maxpool.forward(tf.relu(this.bn1.forward(this.conv1.forward(x)))) as tf.Tensor4D,
    );
  }

  /** The outputs of layer1..layer4 (torchvision's IntermediateLayerGetter takes layer3 and layer4). */
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

  /** The last stage's output, NHWC at `outputStride`. */
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
