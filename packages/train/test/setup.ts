// Training tests run on the reference cpu backend; apps choose the backend in real use.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

await tf.setBackend('cpu');
// Silence the cpu backend's one-time "install tfjs-node" banner.
(tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
