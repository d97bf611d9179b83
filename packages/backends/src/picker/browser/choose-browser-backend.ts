import { BROWSER_AUTO_ORDER, type BrowserBackendChoice, type BrowserBackendName } from '../backend-names.js';
import type { Fallback } from '../backend-result.js';
import { BackendUnavailableError } from '../backend-unavailable.js';
import type { BrowserProbes, DeviceProbe } from './browser-probes.js';

/** The backends to try in order, and what `auto` passed over on the probes alone. */
export interface BrowserPlan {
  candidates: BrowserBackendName[];
  passedOver: Fallback[];
}

/**
 * Decides from the probes alone. `auto` tries webgpu → webgl → wasm → cpu but passes over a GPU
 * that is missing or is a software/fallback adapter: SwiftShader and llvmpipe rasterise on the CPU
 * and run these models 15-60x slower than wasm. A GPU backend asked for by name is tried even on a
 * software adapter, and is an error when missing.
 */
export function chooseBrowserBackend(choice: BrowserBackendChoice, probes: BrowserProbes): BrowserPlan {
  if (choice !== 'auto') {
    const probe = deviceProbe(choice, probes);
    if (probe && !probe.ok) throw new BackendUnavailableError(choice, probe.why);
    return { candidates: [choice], passedOver: [] };
  }
  const plan: BrowserPlan = { candidates: [], passedOver: [] };
  for (const name of BROWSER_AUTO_ORDER) {
    const probe = deviceProbe(name, probes);
    if (probe && !probe.ok) plan.passedOver.push({ backend: name, why: probe.why });
    else if (probe?.software)
      plan.passedOver.push({ backend: name, why: `${probe.software}, slower than wasm` });
    else plan.candidates.push(name);
  }
  return plan;
}

function deviceProbe(name: BrowserBackendName, probes: BrowserProbes): DeviceProbe | undefined {
  if (name === 'webgpu') return probes.webgpu;
  if (name === 'webgl') return probes.webgl;
  return undefined;
}
