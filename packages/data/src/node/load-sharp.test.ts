import { describe, expect, it } from 'vitest';
import { loadSharp } from './load-sharp.js';

describe('loadSharp', () => {
  it('imports sharp once, on first use', async () => {
    const [a, b] = await Promise.all([loadSharp(), loadSharp()]);
    expect(typeof a).toBe('function');
    expect(a).toBe(b);
    const meta = await a({ create: { width: 2, height: 3, channels: 3, background: '#000' } })
      .png()
      .toBuffer()
      .then((png) => a(png).metadata());
    expect([meta.width, meta.height]).toEqual([2, 3]);
  });

  it('names the install command when sharp is missing, and passes other errors on', async () => {
    const missing = Object.assign(new Error("Cannot find package 'sharp'"), { code: 'ERR_MODULE_NOT_FOUND' });
    await expect(loadSharp(() => Promise.reject(missing))).rejects.toThrow(
      /optional peer dependency that is not installed: run 'npm install sharp'/,
    );
    const broken = new Error('Could not load the "sharp" module using the linux-x64 runtime');
    await expect(loadSharp(() => Promise.reject(broken))).rejects.toBe(broken);
  });
});
