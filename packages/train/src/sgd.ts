/**
 * Stochastic gradient descent with MXNet's semantics (the chapter's
 * `gluon.Trainer(params, 'sgd', {'learning_rate': 0.1, 'wd': 1e-3})`), on the batch-mean gradient g:
 *
 *   without momentum (MXNet `sgd_update`):   w ← w − lr · (g + wd · w)
 *   with momentum μ (MXNet `sgd_mom_update`): m ← μ · m − lr · (g + wd · w);  w ← w + m
 *
 * The momentum buffer holds the learning rate (MXNet's convention, not PyTorch's). Weight decay applies
 * to every parameter, biases and BatchNorm's γ, β included, as in Gluon. Parameters come in named groups,
 * each with its own learning rate and weight decay (e.g. a smaller rate for a pretrained trunk).
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * A backend may register this kernel (`@fcn/wasm-kernels` does for wasm: one SIMD pass per parameter);
 * `step` then runs it instead of the tfjs ops below, with the same float32 operations in the same order.
 * Inputs `{ param, grad, momentum? }`, attrs `{ lr, weightDecay, momentum }`, outputs `[param', momentum']`.
 */
const SGD_UPDATE_KERNEL = 'FcnSgdUpdate';

/** Parameters keyed by a stable name (the state-dict key), with their group's hyper-parameters. */
export interface ParamGroup {
  name?: string;
  params: [name: string, variable: tf.Variable][];
  /** Default: the optimiser's. */
  lr?: number;
  /** Default: the optimiser's. */
  weightDecay?: number;
}

export interface SgdOptions {
  lr: number;
  /** Default 0 (the chapter's plain SGD). */
  momentum?: number;
  /** Default 0; the chapter uses 1e-3. */
  weightDecay?: number;
}

interface Slot {
  readonly variable: tf.Variable;
  readonly group: number;
  /** Present when momentum > 0. */
  readonly momentum: tf.Variable | null;
}

/** A resolved group: its name and hyper-parameters. */
export interface GroupSettings {
  name: string;
  lr: number;
  weightDecay: number;
  size: number;
}

export class Sgd {
  readonly momentum: number;
  readonly groups: GroupSettings[];
  private readonly slots = new Map<string, Slot>();

  constructor(groups: ParamGroup[], options: SgdOptions) {
    const { lr, momentum = 0, weightDecay = 0 } = options;
    checkNonNegative('lr', lr);
    checkNonNegative('weightDecay', weightDecay);
    if (!(momentum >= 0 && momentum < 1)) throw new RangeError(`momentum must be in [0, 1), got ${momentum}`);
    this.momentum = momentum;
    this.groups = groups.map((g, i) => {
      const settings = {
        name: g.name ?? `group${i}`,
        lr: g.lr ?? lr,
        weightDecay: g.weightDecay ?? weightDecay,
        size: g.params.length,
      };
      checkNonNegative(`${settings.name} lr`, settings.lr);
      checkNonNegative(`${settings.name} weightDecay`, settings.weightDecay);
      return settings;
    });
    groups.forEach((g, group) => {
      for (const [name, variable] of g.params) {
        if (this.slots.has(name)) throw new Error(`parameter '${name}' is in more than one group`);
        const buffer = momentum > 0 ? tf.variable(tf.zerosLike(variable), false) : null;
        this.slots.set(name, { variable, group, momentum: buffer });
      }
    });
    if (this.slots.size === 0) throw new Error('nothing to optimise: every parameter is frozen or excluded');
  }

  /** The optimised variables, in group order (the list for `tf.variableGrads`). */
  get variables(): tf.Variable[] {
    return [...this.slots.values()].map((s) => s.variable);
  }

  /** Names of the optimised parameters, in group order. */
  get names(): string[] {
    return [...this.slots.keys()];
  }

  /**
   * One update from batch-mean gradients keyed by parameter name (a missing gradient is an error: it
   * would silently skip the weight decay). The caller keeps ownership of `grads`.
   */
  step(grads: Map<string, tf.Tensor>): void {
    for (const name of this.slots.keys()) {
      if (!grads.has(name)) throw new Error(`no gradient for parameter '${name}'`);
    }
    const fused = tf.getKernel(SGD_UPDATE_KERNEL, tf.getBackend()) !== undefined;
    for (const [name, slot] of this.slots) {
      const { lr, weightDecay } = this.groups[slot.group]!;
      const w = slot.variable;
      const g = grads.get(name)!;
      // One tidy per parameter: a parameter's temporaries are freed before the next one's are made.
      tf.tidy(() => {
        if (fused) {
          const inputs: tf.NamedTensorMap = { param: w, grad: g };
          if (slot.momentum) inputs.momentum = slot.momentum;
          const attrs = { lr, weightDecay, momentum: this.momentum };
          const [param, momentum] = tf.engine().runKernel(SGD_UPDATE_KERNEL, inputs, attrs) as tf.Tensor[];
          if (slot.momentum) slot.momentum.assign(momentum!);
          w.assign(param!);
          return;
        }
        const decayed = weightDecay === 0 ? g : tf.add(g, tf.mul(w, weightDecay));
        if (slot.momentum) {
          const m = tf.sub(tf.mul(slot.momentum, this.momentum), tf.mul(decayed, lr));
          slot.momentum.assign(m);
          w.assign(tf.add(w, m));
        } else {
          w.assign(tf.sub(w, tf.mul(decayed, lr)));
        }
      });
    }
  }

  /** Change a group's learning rate (by name or index), e.g. for a schedule. */
  setLearningRate(lr: number, group?: string | number): void {
    checkNonNegative('lr', lr);
    this.groups.forEach((g, i) => {
      if (group === undefined || group === i || group === g.name) g.lr = lr;
    });
  }

  /** The momentum buffers by parameter name (live variables: read, do not dispose); empty without momentum. */
  state(): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    for (const [name, slot] of this.slots) if (slot.momentum) out.set(name, slot.momentum);
    return out;
  }

  /** Restore momentum buffers saved by `state()`: every buffer must be there with its shape. */
  loadState(buffers: Map<string, tf.Tensor>): void {
    const problems: string[] = [];
    for (const [name, slot] of this.slots) {
      if (!slot.momentum) continue;
      const b = buffers.get(name);
      if (!b) problems.push(`missing momentum for '${name}'`);
      else if (!tf.util.arraysEqual(b.shape, slot.momentum.shape)) {
        problems.push(`momentum for '${name}': expected [${slot.momentum.shape}], got [${b.shape}]`);
      }
    }
    const expected = this.state();
    for (const name of buffers.keys())
      if (!expected.has(name)) problems.push(`unexpected momentum '${name}'`);
    if (problems.length) throw new Error(`cannot restore the optimiser: ${problems.join('; ')}`);
    for (const [name, v] of expected) v.assign(buffers.get(name)!);
  }

  /** Free the momentum buffers (not the parameters). */
  dispose(): void {
    for (const slot of this.slots.values()) slot.momentum?.dispose();
  }
}

function checkNonNegative(what: string, v: number): void {
  if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`${what} must be a finite number ≥ 0, got ${v}`);
}
