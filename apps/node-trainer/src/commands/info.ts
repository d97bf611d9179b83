import * as tf from '@tensorflow/tfjs-core';
import { Command } from 'commander';
import { type BackendFlags, startBackend, withBackendOptions } from '../backend.js';

interface InfoOptions extends BackendFlags {
  json?: boolean;
}

/** `fcn info`: start the backend exactly as training would, and say what runs. */
export function infoCommand(): Command {
  return withBackendOptions(
    new Command('info').description(
      'pick a TF.js backend as training would, and show which one runs and why',
    ),
  )
    .option('--json', 'print the result as JSON')
    .action(async (options: InfoOptions) => {
      const result = await startBackend(options, options.json ? () => {} : (line) => console.log(line));
      if (options.json) {
        console.log(JSON.stringify({ ...result, tfjs: tf.version_core }, null, 2));
        return;
      }
      const memoryGiB = result.memoryLimitBytes / 2 ** 30;
      console.log(`tfjs-core ${tf.version_core}; memory limit ${memoryGiB.toFixed(1)} GiB`);
    });
}
