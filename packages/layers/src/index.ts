import './gradients.js';

export { Identity, ReLU } from './activation.js';
export { BatchNorm2d, type BatchNorm2dOptions } from './batch-norm2d.js';
export { convByMatmul, convToMatrix, transposedConvByMatmul } from './conv-as-matrix.js';
export { ConvTranspose2d, type ConvTranspose2dOptions } from './conv-transpose2d.js';
export { Conv2d, type Conv2dOptions, type WeightInit } from './conv2d.js';
export { type DilatedConv2dOptions, dilatedConv2d } from './dilated-conv2d.js';
export { MaxPool2d, type MaxPool2dOptions } from './max-pool2d.js';
export { type LoadStateDictOptions, Module, type StateDict } from './module.js';
export type { Padding2d, Size2d } from './padding.js';
export { manualSeed, takeSeed } from './seed.js';
export { Sequential } from './sequential.js';
