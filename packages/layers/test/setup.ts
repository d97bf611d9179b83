// Layer tests run on the reference cpu backend; the wasm kernels are compared to it in @fcn/wasm-kernels.
import '@tensorflow/tfjs-backend-cpu';
import '../src/gradients.js';
import * as tf from '@tensorflow/tfjs-core';

await tf.setBackend('cpu');
// Silence the cpu backend's one-time "install tfjs-node" banner.
(tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
