import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const wasmNode = fileURLToPath(new URL('./wasm-node.ts', import.meta.url));
const packageDir = fileURLToPath(new URL('../../..', import.meta.url));

describe('startWasmNode in a Node process of its own', () => {
  it('runs 2 threads from an ES module, and the process still exits by itself', () => {
    const script = `
      const { startWasmNode } = await import(${JSON.stringify(wasmNode)});
      console.log(JSON.stringify(await startWasmNode({ threads: 2 })));`;
    // --input-type=module is inherited by workers unless the shim clears their execArgv.
    const args = ['--import', 'tsx', '--conditions=@fcn/source', '--input-type=module', '-e', script];
    const child = spawnSync(process.execPath, args, { cwd: packageDir, encoding: 'utf8', timeout: 20_000 });
    expect(child.error).toBeUndefined(); // a timeout (pthreads holding Node open) shows up here
    expect(child.status).toBe(0);
    expect(JSON.parse(child.stdout)).toMatchObject({ threads: 2, details: ['2 threads', 'SIMD'] });
  });
});
