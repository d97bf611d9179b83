import { Module } from '@fcn/layers';
import * as tf from '@tensorflow/tfjs-core';
import { seedSequence } from '../seeds.js';
import {
  BOTTLENECK_BLOCKS,
  type BottleneckArch,
  BottleneckResNet,
  bottleneckArchOf,
  type StageBlocks,
} from './bottleneck-resnet.js';
import {
  checkTorchvisionFcnConfig,
  LAYER3_CHANNELS,
  LAYER4_CHANNELS,
  TORCHVISION_FCN_DILATION,
  type TorchvisionFcnConfig,
} from './config.js';
import { FCNHead } from './fcn-head.js';
import { interpolateBilinear } from './resize-bilinear.js';

export interface TorchvisionFcnOptions {
  /** The backbone by name (default 'resnet50'); `blocks` overrides it with any counts. */
  arch?: BottleneckArch;
  /** Blocks in layer1..layer4 (e.g. [1, 1, 1, 1] for a small test model). */
  blocks?: StageBlocks;
  /** Default 21, PASCAL VOC's. */
  numClasses?: number;
  /** Add `aux_classifier`, the FCNHead on layer3 (torchvision: `aux_loss=True`). Default false. */
  aux?: boolean;
  classNames?: string[];
  /** Base seed of all random initialisation. Default: `manualSeed`'s sequence. */
  seed?: number;
}

/** Logits of the main and the auxiliary head, both N x H x W x numClasses. */
export interface FcnOutputs {
  out: tf.Tensor4D;
  aux: tf.Tensor4D;
}

/**
 * torchvision's `FCN` (`fcn_resnet50`, `fcn_resnet101`, `segmentation/fcn.py`): a Bottleneck ResNet with
 * layer3 and layer4 dilated (output stride 8), `FCNHead(2048, classes)` on layer4 and optionally
 * `FCNHead(1024, classes)` on layer3, each upsampled bilinearly to the input's size
 * (`F.interpolate(..., mode='bilinear', align_corners=False)`). Children, which are the state-dict
 * prefixes, are torchvision's: `backbone` (`backbone.conv1.weight`, `backbone.layer4.2.bn3.bias`; no
 * `fc`), `classifier` (`classifier.0.weight`, `classifier.1.*`, `classifier.4.weight`,
 * `classifier.4.bias`) and `aux_classifier`. Input: NHWC images normalised with ImageNet's mean and std
 * (as `@fcn/data` normalises), any height and width; output: NHWC logits at the input's height and width.
 */
export class TorchvisionFCN extends Module {
  readonly backbone: BottleneckResNet;
  readonly classifier: FCNHead;
  readonly auxClassifier: FCNHead | null;
  readonly config: TorchvisionFcnConfig;
  /** The prefix of the trunk's keys in this model's state dict. */
  readonly trunkPrefix = 'backbone.';

  constructor(config: TorchvisionFcnConfig, options: { seed?: number } = {}) {
    super();
    this.config = checkTorchvisionFcnConfig(config);
    const { blocks } = this.config.backbone;
    const { numClasses, aux } = this.config;
    const nextSeed = seedSequence(options.seed);
    // The backbone's seeds are offset so they never coincide with the heads'.
    const backboneSeed = options.seed === undefined ? undefined : options.seed + 1_000_001;
    this.backbone = this.registerModule(
      'backbone',
      new BottleneckResNet(blocks, {
        replaceStrideWithDilation: TORCHVISION_FCN_DILATION,
        seed: backboneSeed,
      }),
    );
    this.classifier = this.registerModule('classifier', new FCNHead(LAYER4_CHANNELS, numClasses, nextSeed));
    this.auxClassifier = aux
      ? this.registerModule('aux_classifier', new FCNHead(LAYER3_CHANNELS, numClasses, nextSeed))
      : null;
  }

  get numClasses(): number {
    return this.config.numClasses;
  }

  /** The backbone (a torchvision ResNet without `fc`): what a pretrained ImageNet trunk loads into. */
  get trunk(): Module {
    return this.backbone;
  }

  /** The stride of the features the heads see: 8. */
  get outputStride(): number {
    return this.backbone.outputStride;
  }

  /** Class logits, NHWC: N x H x W x numClasses for any N x H x W x 3 input. */
  forward(x: tf.Tensor): tf.Tensor4D {
    assertImages(x);
    const size: [number, number] = [x.shape[1]!, x.shape[2]!];
    return tf.tidy(() => interpolateBilinear(this.classifier.forward(this.backbone.forward(x)), size));
  }

  /** The main and auxiliary logits (torchvision's `result['out']`, `result['aux']`), for the aux loss. */
  forwardWithAux(x: tf.Tensor): FcnOutputs {
    assertImages(x);
    const auxHead = this.auxClassifier;
    if (!auxHead) {
      throw new Error(
        'this torchvision FCN has no aux_classifier: build it with torchvisionFcn({ aux: true })',
      );
    }
    const size: [number, number] = [x.shape[1]!, x.shape[2]!];
    const [out, aux] = tf.tidy(() => {
      const [, , layer3, layer4] = this.backbone.forwardStages(x);
      return [
        interpolateBilinear(this.classifier.forward(layer4), size),
        interpolateBilinear(auxHead.forward(layer3), size),
      ];
    });
    return { out: out!, aux: aux! };
  }
}

function assertImages(x: tf.Tensor): void {
  if (x.rank !== 4 || x.shape[3] !== 3) {
    throw new Error(`torchvision FCN expects NHWC images with 3 channels, got shape [${x.shape}]`);
  }
}

/**
 * Build a torchvision FCN: `torchvisionFcn({ arch: 'resnet101', numClasses: 21, aux: true, seed: 0 })`.
 * The backbone starts as torchvision's ResNet does (Kaiming normal fan-out convs, BatchNorm 1 and 0),
 * the heads from PyTorch's default conv initialisation.
 */
export function torchvisionFcn(options: TorchvisionFcnOptions = {}): TorchvisionFCN {
  const { arch = 'resnet50', numClasses = 21, aux = false, classNames } = options;
  if (!options.blocks && !Object.hasOwn(BOTTLENECK_BLOCKS, arch)) {
    throw new Error(`unknown backbone '${arch}' (known: ${Object.keys(BOTTLENECK_BLOCKS).join(', ')})`);
  }
  const blocks: StageBlocks = [...(options.blocks ?? BOTTLENECK_BLOCKS[arch])] as StageBlocks;
  if (classNames && classNames.length !== numClasses) {
    throw new Error(`${classNames.length} class names given for ${numClasses} classes`);
  }
  const config: TorchvisionFcnConfig = {
    kind: 'torchvision-fcn',
    backbone: { arch: bottleneckArchOf(blocks), blocks },
    numClasses,
    aux,
    ...(classNames ? { classNames: [...classNames] } : {}),
  };
  return new TorchvisionFCN(config, { seed: options.seed });
}
