import type * as tf from '@tensorflow/tfjs-core';
import { Module } from './module.js';

/** Applies its children in order; they are named '0', '1', ... as in PyTorch's `nn.Sequential`. */
export class Sequential extends Module {
  private readonly layers: Module[];

  constructor(...layers: Module[]) {
    super();
    this.layers = layers.map((layer, i) => this.registerModule(String(i), layer));
  }

  get length(): number {
    return this.layers.length;
  }

  at(index: number): Module {
    const layer = this.layers.at(index);
    if (!layer) throw new Error(`Sequential has ${this.layers.length} layers; no index ${index}`);
    return layer;
  }

  forward(x: tf.Tensor): tf.Tensor {
    return this.layers.reduce((h, layer) => layer.forward(h), x);
  }
}
