import { describe, expect, it } from 'vitest';
import { scheduledLr } from './lr-schedule.js';

describe('scheduledLr', () => {
  it('keeps the rate with the constant schedule', () => {
    expect(scheduledLr(0.1, 'constant', 50, 100)).toBe(0.1);
  });

  it("decays as lr (1 - t/T)^0.9 with 'poly'", () => {
    expect(scheduledLr(0.1, 'poly', 0, 100)).toBe(0.1);
    expect(scheduledLr(0.1, 'poly', 50, 100)).toBeCloseTo(0.1 * 0.5 ** 0.9, 12);
    expect(scheduledLr(0.1, 'poly', 99, 100)).toBeCloseTo(0.1 * 0.01 ** 0.9, 12);
    expect(scheduledLr(0.1, 'poly', 100, 100)).toBe(0);
  });

  it('refuses an unknown schedule', () => {
    expect(() => scheduledLr(0.1, 'cosine' as never, 0, 10)).toThrow(
      /unknown learning-rate schedule 'cosine'/,
    );
  });
});
