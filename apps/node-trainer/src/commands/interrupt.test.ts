import { afterEach, describe, expect, it, vi } from 'vitest';
import { stopOnInterrupt } from './interrupt.js';

afterEach(() => vi.restoreAllMocks());

describe('stopOnInterrupt', () => {
  it('asks the work to stop on the first Ctrl-C and exits with 130 on the second', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const said: string[] = [];
    const listeners = process.listenerCount('SIGINT');
    const interrupt = stopOnInterrupt((line) => said.push(line));
    expect(process.listenerCount('SIGINT')).toBe(listeners + 1);
    process.emit('SIGINT');
    expect(interrupt.signal.aborted).toBe(true);
    expect(exit).not.toHaveBeenCalled();
    expect(said).toEqual([
      'interrupted: stopping after this step and checkpointing it (Ctrl-C again to exit at once)',
    ]);
    process.emit('SIGINT');
    expect(exit).toHaveBeenCalledWith(130);
    expect(said[1]).toBe('interrupted again: exiting now, without a checkpoint of the current step');
    interrupt.dispose();
    expect(process.listenerCount('SIGINT')).toBe(listeners);
    expect(process.listenerCount('SIGTERM')).toBe(0);
  });
});
