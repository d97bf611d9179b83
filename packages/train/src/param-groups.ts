/**
 * An FCN's parameters split into the optimiser's groups: the head (everything outside `trunk.`) at the
 * base learning rate, the trunk at its own rate (e.g. smaller for ImageNet weights), or left out
 * entirely when it is frozen.
 */
import type { Module } from '@fcn/layers';
import type { ParamGroup } from './sgd.js';

export interface ParamGroupOptions {
  /** Learning rate of the trunk's parameters (default: the base rate). */
  trunkLr?: number;
  /** Leave the trunk out of the optimiser (its weights stay fixed). */
  freezeTrunk?: boolean;
  /** The state-dict prefix of the trunk (default `'trunk.'`, the FCN's). */
  trunkPrefix?: string;
}

/**
 * Groups `head` and `trunk` (either may be empty and is then omitted). Parameters marked not trainable
 * (`Module.freeze()`) are left out too.
 */
export function fcnParamGroups(model: Module, options: ParamGroupOptions = {}): ParamGroup[] {
  const { trunkLr, freezeTrunk = false, trunkPrefix = 'trunk.' } = options;
  const head: ParamGroup = { name: 'head', params: [] };
  const trunk: ParamGroup = { name: 'trunk', params: [], ...(trunkLr !== undefined ? { lr: trunkLr } : {}) };
  for (const [name, v] of model.namedParameters()) {
    if (!v.trainable) continue;
    if (name.startsWith(trunkPrefix)) {
      if (!freezeTrunk) trunk.params.push([name, v]);
    } else {
      head.params.push([name, v]);
    }
  }
  return [head, trunk].filter((g) => g.params.length > 0);
}
