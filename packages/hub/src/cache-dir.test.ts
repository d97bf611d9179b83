import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cacheDir, cachedPath, partialPath, unpackedPath } from './cache-dir.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

const file = { name: 'resnet18', fileName: 'resnet18-f37072fd.pth' } as const;

describe('cacheDir', () => {
  it('is $FCN_CACHE_DIR, else $XDG_CACHE_HOME/fcn-ts, else ~/.cache/fcn-ts', () => {
    vi.stubEnv('FCN_CACHE_DIR', '/data/fcn');
    vi.stubEnv('XDG_CACHE_HOME', '/xdg');
    expect(cacheDir()).toBe('/data/fcn');
    vi.stubEnv('FCN_CACHE_DIR', '');
    expect(cacheDir()).toBe(join('/xdg', 'fcn-ts'));
    vi.stubEnv('XDG_CACHE_HOME', '');
    expect(cacheDir()).toBe(join(homedir(), '.cache', 'fcn-ts'));
  });

  it('places downloads, partial downloads and unpacked archives inside it', () => {
    vi.stubEnv('FCN_CACHE_DIR', '/data/fcn');
    const described = {
      ...file,
      urls: [],
      checksum: { algorithm: 'sha256-prefix', hex: 'f37072fd' },
    } as const;
    expect(cachedPath(described)).toBe('/data/fcn/downloads/resnet18-f37072fd.pth');
    expect(partialPath(described)).toBe('/data/fcn/downloads/resnet18-f37072fd.pth.part');
    expect(unpackedPath(described, { cacheDir: '/other' })).toBe('/other/unpacked/resnet18');
  });
});
