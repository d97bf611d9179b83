/**
 * `@tensorflow/tfjs-core` alone registers no gradients ("gradient function not found for Sum").
 * Registering them is a side effect every consumer of this package needs for training; it chooses no
 * backend. The file is ESM without extensions, so bundlers and vitest load it; tsup inlines it into
 * this package's `dist/` so that plain Node can load that too.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
