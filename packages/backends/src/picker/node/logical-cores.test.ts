import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { reportAtLeastCpus } from './logical-cores.js';

describe('reportAtLeastCpus', () => {
  it('pads os.cpus() to the count until restored', () => {
    const real = os.cpus().length;
    const restore = reportAtLeastCpus(real + 3);
    try {
      expect(os.cpus()).toHaveLength(real + 3);
    } finally {
      restore();
    }
    expect(os.cpus()).toHaveLength(real);
  });

  it('leaves os.cpus() alone when there are enough', () => {
    const cpus = os.cpus;
    const restore = reportAtLeastCpus(1);
    expect(os.cpus).toBe(cpus);
    restore();
  });
});
