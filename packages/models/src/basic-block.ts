import { kaiming } from '@fcn/init';
import { BatchNorm2d, Conv2d, Module, ReLU, Sequential } from '@fcn/layers';
import * as tf from '@tensorflow/tfjs-core';

/** torchvision's ResNet conv initialisation: Kaiming normal, fan-out, ReLU gain. */
export const resnetConvInit = (shape: number[], seed: number) => kaiming(shape, { seed, mode: 'fanOut' });

/** A bias-free conv with torchvision's initialisation. */
export function resnetConv(
  inChannels: number,
  outChannels: number,
  kernelSize: number,
  stride: number,
  padding: number,
  seed: number,
): Conv2d {
  return new Conv2d(inChannels, outChannels, kernelSize, {
    stride,
    padding,
    bias: false,
    seed,
    weightInit: resnetConvInit,
  });
}

/**
 * torchvision's `BasicBlock` (ResNet v1, as in ResNet-18/34): two 3x3 convs with BatchNorm, the first
 * with the block's stride, and a shortcut that is the identity, or a 1x1 strided conv with BatchNorm
 * (`downsample`) when the stride or the channel count changes:
 *   y = relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)).
 * State-dict keys are torchvision's: conv1, bn1, conv2, bn2, downsample.0, downsample.1.
 */
export class BasicBlock extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly relu: ReLU;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly downsample: Sequential | null;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly stride: number,
    nextSeed: () => number,
  ) {
    super();
    this.conv1 = this.registerModule('conv1', resnetConv(inChannels, outChannels, 3, stride, 1, nextSeed()));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(outChannels));
    this.relu = this.registerModule('relu', new ReLU());
    this.conv2 = this.registerModule('conv2', resnetConv(outChannels, outChannels, 3, 1, 1, nextSeed()));
    this.bn2 = this.registerModule('bn2', new BatchNorm2d(outChannels));
    this.downsample =
      stride !== 1 || inChannels !== outChannels
        ? this.registerModule(
            'downsample',
            new Sequential(
              resnetConv(inChannels, outChannels, 1, stride, 0, nextSeed()),
              new BatchNorm2d(outChannels),
            ),
          )
        : null;
  }

  forward(x: tf.Tensor): tf.Tensor4D {
    return tf.tidy(() => {
      const h = tf.relu(this.bn1.forward(this.conv1.forward(x)));
      const y = this.bn2.forward(this.conv2.forward(h));
      const shortcut = this.downsample ? this.downsample.forward(x) : x;
      return tf.relu(tf.add(y, shortcut)) as tf.Tensor4D;
    });
  }
}
