/**
 * `@tensorflow/tfjs-core` alone registers no gradients ("gradient function not found for Sum").
 * Registering them is a side effect every consumer of this package needs for training; it chooses no
 * backend. Bundlers and vitest load this file of tfjs-core; plain Node cannot (it is ESM with extensionless
 * imports in a package that is not `"type": "module"`), so this package's `node` build inlines it (see
 * tsup.config.ts).
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
