import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTfjsBinding, nodePackageLoader } from './native-package.js';

/** A fake app directory with node_modules/@tensorflow/{tfjs-node, tfjs-node-gpu}. */
let app: string;

function fakePackage(name: string, files: Record<string, string>): string {
  const dir = join(app, 'node_modules', name);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), 'fcn-backends-'));
  const manifest = (name: string) =>
    JSON.stringify({ name, main: 'index.js', binary: { module_name: 'tfjs_binding' } });
  fakePackage('@tensorflow/tfjs-node', {
    'package.json': manifest('@tensorflow/tfjs-node'),
    'index.js': 'globalThis.__fakeTfjsNodeLoaded = true;',
    'lib/napi-v5/tfjs_binding.node': '',
    'lib/napi-v8/tfjs_binding.node': '',
  });
  fakePackage('@tensorflow/tfjs-node-gpu', {
    'package.json': manifest('@tensorflow/tfjs-node-gpu'),
    'index.js': 'throw new Error("libcudnn.so.8: cannot open shared object file");',
    'lib/napi-v8/.keep': '',
  });
});

afterAll(() => rmSync(app, { recursive: true, force: true }));

describe('nodePackageLoader', () => {
  it('resolves an installed package from the given directories, and null for a missing one', () => {
    const loader = nodePackageLoader([join(app, 'elsewhere'), app]);
    expect(loader.resolvePackage('@tensorflow/tfjs-node')).toBe(
      join(app, 'node_modules/@tensorflow/tfjs-node'),
    );
    expect(nodePackageLoader([tmpdir()]).resolvePackage('@tensorflow/tfjs-node')).toBeNull();
  });

  it('imports the package entry, passing on what it throws', async () => {
    const loader = nodePackageLoader([app]);
    await loader.importPackage(join(app, 'node_modules/@tensorflow/tfjs-node'));
    expect((globalThis as { __fakeTfjsNodeLoaded?: boolean }).__fakeTfjsNodeLoaded).toBe(true);
    await expect(loader.importPackage(join(app, 'node_modules/@tensorflow/tfjs-node-gpu'))).rejects.toThrow(
      'libcudnn.so.8',
    );
  });
});

describe('findTfjsBinding', () => {
  it('finds the binding in the highest napi-v* folder', () => {
    expect(findTfjsBinding(join(app, 'node_modules/@tensorflow/tfjs-node'))).toBe(
      join(app, 'node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node'),
    );
  });

  it('is null when the install script never built or downloaded it', () => {
    expect(findTfjsBinding(join(app, 'node_modules/@tensorflow/tfjs-node-gpu'))).toBeNull();
    expect(findTfjsBinding(app)).toBeNull();
  });
});
