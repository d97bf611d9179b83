import type { Module } from '@fcn/layers';

/** Run `fn` with the model in eval mode, then restore every module's own train/eval flag. */
export async function withEvalMode<T>(model: Module, fn: () => Promise<T>): Promise<T> {
  const flags = [...model.namedModules()].map(([, m]) => [m, m.training] as const);
  model.eval();
  try {
    return await fn();
  } finally {
    for (const [m, training] of flags) m.training = training;
  }
}
