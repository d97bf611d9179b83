import { describe, expect, it } from 'vitest';
import type { BrowserProbes } from './browser-probes.js';
import { chooseBrowserBackend } from './choose-browser-backend.js';

const realGpu = { ok: true, name: 'nvidia ampere', software: null } as const;
const swiftshader = {
  ok: true,
  name: 'google swiftshader',
  software: 'software adapter (google swiftshader)',
} as const;
const missing = { ok: false, why: 'navigator.gpu is missing' } as const;

function probes(webgpu: BrowserProbes['webgpu'], webgl: BrowserProbes['webgl']): BrowserProbes {
  return { webgpu, webgl, crossOriginIsolated: false };
}

describe('chooseBrowserBackend', () => {
  it('auto: tries a real GPU first, wasm and cpu after', () => {
    expect(chooseBrowserBackend('auto', probes(realGpu, realGpu))).toEqual({
      candidates: ['webgpu', 'webgl', 'wasm', 'cpu'],
      passedOver: [],
    });
  });

  it('auto: passes over software adapters and missing APIs, saying why', () => {
    const plan = chooseBrowserBackend('auto', probes(missing, swiftshader));
    expect(plan.candidates).toEqual(['wasm', 'cpu']);
    expect(plan.passedOver).toEqual([
      { backend: 'webgpu', why: 'navigator.gpu is missing' },
      { backend: 'webgl', why: 'software adapter (google swiftshader), slower than wasm' },
    ]);
  });

  it('by name: tries a software adapter anyway, but a missing API is an error', () => {
    expect(chooseBrowserBackend('webgl', probes(missing, swiftshader)).candidates).toEqual(['webgl']);
    expect(() => chooseBrowserBackend('webgpu', probes(missing, swiftshader))).toThrow(
      "backend 'webgpu' is unavailable: navigator.gpu is missing",
    );
    expect(chooseBrowserBackend('wasm', probes(missing, missing))).toEqual({
      candidates: ['wasm'],
      passedOver: [],
    });
  });
});
