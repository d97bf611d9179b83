import os from 'node:os';

/**
 * Makes `os.cpus()` list at least `count` CPUs until the returned function is called.
 *
 * The threaded tfjs wasm module reads `os.cpus().length` once, as it starts, and caps its thread
 * pool at half of it (it assumes two hyperthreads per core), so a 2-core machine gets 1 thread
 * however many are asked for. Reporting twice the wanted threads while it starts lifts that cap.
 */
export function reportAtLeastCpus(count: number): () => void {
  const cpus = os.cpus;
  if (cpus.call(os).length >= count) return () => {};
  os.cpus = () => {
    const real = cpus.call(os);
    const stand = real[0] ?? {
      model: 'unknown',
      speed: 0,
      times: { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 },
    };
    return [...real, ...Array.from({ length: count - real.length }, () => stand)];
  };
  return () => {
    os.cpus = cpus;
  };
}
