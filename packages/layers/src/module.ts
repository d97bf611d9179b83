import * as tf from '@tensorflow/tfjs-core';

/** Named tensors keyed PyTorch-style (`layer1.0.conv1.weight`), parameters and buffers together. */
export type StateDict = Map<string, tf.Tensor>;

export interface LoadStateDictOptions {
  /** Refuse missing and unexpected keys (default true). Shapes are always checked. */
  strict?: boolean;
}

/**
 * The base of every layer and model: named parameters (trainable `tf.Variable`s), named buffers
 * (non-trainable state such as BatchNorm running statistics), named child modules, a train/eval mode,
 * and a state dict. Tensors are NHWC; weights keep TF.js layouts (conv filters HWIO).
 *
 * A subclass registers what it owns in its constructor and implements `forward`. Registration takes
 * ownership of the initial tensor: it becomes a variable and the initial tensor is disposed.
 */
export abstract class Module {
  /** True in training mode (the default), false after `eval()`. */
  training = true;
  private readonly ownParameters = new Map<string, tf.Variable>();
  private readonly ownBuffers = new Map<string, tf.Variable>();
  private readonly childModules = new Map<string, Module>();

  abstract forward(x: tf.Tensor): tf.Tensor;

  /** Same as `forward`; reads well at call sites (`model.apply(x)`). */
  apply(x: tf.Tensor): tf.Tensor {
    return this.forward(x);
  }

  protected registerParameter(name: string, initial: tf.Tensor): tf.Variable {
    return this.own(this.ownParameters, name, initial, true);
  }

  protected registerBuffer(name: string, initial: tf.Tensor): tf.Variable {
    return this.own(this.ownBuffers, name, initial, false);
  }

  protected registerModule<M extends Module>(name: string, module: M): M {
    this.assertFreeName(name);
    this.childModules.set(name, module);
    return module;
  }

  /** Parameters with their dotted paths, own first, then each child's in registration order. */
  *namedParameters(prefix = ''): Generator<[string, tf.Variable]> {
    for (const [name, v] of this.ownParameters) yield [prefix + name, v];
    for (const [name, child] of this.childModules) yield* child.namedParameters(`${prefix}${name}.`);
  }

  *namedBuffers(prefix = ''): Generator<[string, tf.Variable]> {
    for (const [name, v] of this.ownBuffers) yield [prefix + name, v];
    for (const [name, child] of this.childModules) yield* child.namedBuffers(`${prefix}${name}.`);
  }

  /** This module and every descendant with its dotted path ('' for this one). */
  *namedModules(prefix = ''): Generator<[string, Module]> {
    yield [prefix.replace(/\.$/, ''), this];
    for (const [name, child] of this.childModules) yield* child.namedModules(`${prefix}${name}.`);
  }

  /** Direct children with their names. */
  children(): [string, Module][] {
    return [...this.childModules];
  }

  /** Every parameter, trainable or frozen. */
  parameters(): tf.Variable[] {
    return [...this.namedParameters()].map(([, v]) => v);
  }

  /** The parameters an optimiser should update: those not frozen. */
  trainableParameters(): tf.Variable[] {
    return this.parameters().filter((v) => v.trainable);
  }

  numParameters(): number {
    return this.parameters().reduce((n, v) => n + v.size, 0);
  }

  /** Stop (or restart) gradient updates for all parameters of this module and its descendants. */
  freeze(frozen = true): this {
    for (const v of this.parameters()) v.trainable = !frozen;
    return this;
  }

  unfreeze(): this {
    return this.freeze(false);
  }

  /** Set training mode on this module and every descendant. */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /**
   * Parameters and buffers in PyTorch's order (each module's parameters, then its buffers, then its
   * children). The tensors are the live variables: read them, do not dispose them.
   */
  stateDict(prefix = ''): StateDict {
    const dict: StateDict = new Map();
    this.collectState(prefix, dict);
    return dict;
  }

  /**
   * Copy values into this module's parameters and buffers. Shapes must match exactly; with `strict`
   * (the default) the keys must match exactly too. Nothing is changed unless every check passes.
   */
  loadStateDict(state: StateDict | Record<string, tf.Tensor>, options: LoadStateDictOptions = {}): void {
    const { strict = true } = options;
    const incoming = state instanceof Map ? state : new Map(Object.entries(state));
    const own = this.stateDict();
    const problems: string[] = [];
    if (strict) {
      const missing = [...own.keys()].filter((k) => !incoming.has(k));
      const unexpected = [...incoming.keys()].filter((k) => !own.has(k));
      if (missing.length) problems.push(`missing keys: ${missing.join(', ')}`);
      if (unexpected.length) problems.push(`unexpected keys: ${unexpected.join(', ')}`);
    }
    for (const [key, target] of own) {
      const value = incoming.get(key);
      if (!value) continue;
      if (!tf.util.arraysEqual(value.shape, target.shape)) {
        problems.push(`${key}: expected shape [${target.shape}], got [${value.shape}]`);
      } else if (value.dtype !== target.dtype) {
        problems.push(`${key}: expected dtype ${target.dtype}, got ${value.dtype}`);
      }
    }
    if (problems.length) {
      throw new Error(`loadStateDict(${this.constructor.name}): ${problems.join('; ')}`);
    }
    for (const [key, target] of own) {
      const value = incoming.get(key);
      // Assigning a variable to itself would free its own data first.
      if (value && value !== target) (target as tf.Variable).assign(value);
    }
  }

  /** Free every parameter and buffer of this module and its descendants. */
  dispose(): void {
    for (const [, m] of this.namedModules()) {
      for (const v of m.ownParameters.values()) v.dispose();
      for (const v of m.ownBuffers.values()) v.dispose();
      m.ownParameters.clear();
      m.ownBuffers.clear();
    }
  }

  private collectState(prefix: string, dict: StateDict): void {
    for (const [name, v] of this.ownParameters) dict.set(prefix + name, v);
    for (const [name, v] of this.ownBuffers) dict.set(prefix + name, v);
    for (const [name, child] of this.childModules) child.collectState(`${prefix}${name}.`, dict);
  }

  private own(
    table: Map<string, tf.Variable>,
    name: string,
    initial: tf.Tensor,
    trainable: boolean,
  ): tf.Variable {
    this.assertFreeName(name);
    const variable = tf.variable(initial, trainable);
    initial.dispose();
    table.set(name, variable);
    return variable;
  }

  private assertFreeName(name: string): void {
    if (!name || name.includes('.')) throw new Error(`invalid member name '${name}': non-empty, no dots`);
    if (this.ownParameters.has(name) || this.ownBuffers.has(name) || this.childModules.has(name)) {
      throw new Error(`${this.constructor.name} already has a member named '${name}'`);
    }
  }
}
