/**
 * Learning-rate schedules over the optimiser steps of a run: `'constant'` (the chapter's) and `'poly'`,
 * the decay segmentation networks commonly train with (DeepLab's): lr · (1 − step / steps)^0.9, from
 * the full rate at the first step towards 0 at the last. The rate depends only on the step index, so
 * a resumed run follows the same curve.
 */
export type LrSchedule = 'constant' | 'poly';

export const LR_SCHEDULES: readonly LrSchedule[] = ['constant', 'poly'];

export const POLY_POWER = 0.9;

/** The learning rate for 0-based optimiser step `step` of `totalSteps`. */
export function scheduledLr(base: number, schedule: LrSchedule, step: number, totalSteps: number): number {
  if (schedule === 'constant') return base;
  if (schedule !== 'poly')
    throw new Error(`unknown learning-rate schedule '${schedule}' (${LR_SCHEDULES.join(', ')})`);
  if (!(totalSteps > 0)) throw new RangeError(`totalSteps must be positive, got ${totalSteps}`);
  const progress = Math.min(Math.max(step / totalSteps, 0), 1);
  return base * (1 - progress) ** POLY_POWER;
}
