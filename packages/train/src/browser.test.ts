import { describe, expect, it } from 'vitest';
import * as browser from './browser.js';

// What this entry may import (no Node built-in, no Node-only file, no npm package but TF.js and fflate)
// is checked by dependency-cruiser in `pnpm lint` (.dependency-cruiser.browser.cjs).
describe('@fcn/train/browser', () => {
  it('gives the training step, whole-image prediction and evaluation, and leaves out the Node training loop', () => {
    expect(typeof browser.TrainingSession).toBe('function');
    expect(typeof browser.predictWholeImage).toBe('function');
    expect(typeof browser.segment).toBe('function');
    expect(typeof browser.evaluateWholeImages).toBe('function');
    expect('train' in browser).toBe(false);
  });
});
