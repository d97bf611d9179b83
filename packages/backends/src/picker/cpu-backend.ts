import '@tensorflow/tfjs-backend-cpu';
import { setBackend } from '@tensorflow/tfjs-core';
import { silenceCpuBanner } from './cpu-banner.js';

/** Makes the plain-JavaScript cpu backend active, without its "install tfjs-node" banner. */
export async function setCpuBackend(): Promise<void> {
  if (!(await setBackend('cpu'))) throw new Error('tf.setBackend("cpu") failed');
  silenceCpuBanner();
}
