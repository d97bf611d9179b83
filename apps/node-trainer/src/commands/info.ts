import { initBackend, type NodeBackendChoice } from '@fcn/backends/node';
import * as tf from '@tensorflow/tfjs-core';
import { Command } from 'commander';
import { backendOption } from './backend-option.js';

interface InfoOptions {
  backend: NodeBackendChoice;
  threads?: number;
  json?: boolean;
}

/** `fcn info`: start the backend exactly as training would, and say what runs. */
export function infoCommand(): Command {
  return new Command('info')
    .description('pick a TF.js backend as training would, and show which one runs and why')
    .addOption(backendOption())
    .option('--threads <n>', 'wasm threads (default: all cores, at most what the backend allows)', Number)
    .option('--json', 'print the result as JSON')
    .action(async (options: InfoOptions) => {
      const result = await initBackend({
        backend: options.backend,
        threads: options.threads,
        log: options.json ? undefined : (line) => console.log(line),
      });
      const memoryGiB = result.memoryLimitBytes / 2 ** 30;
      if (options.json) {
        console.log(JSON.stringify({ ...result, tfjs: tf.version_core }, null, 2));
        return;
      }
      console.log(`tfjs-core ${tf.version_core}; memory limit ${memoryGiB.toFixed(1)} GiB`);
    });
}
