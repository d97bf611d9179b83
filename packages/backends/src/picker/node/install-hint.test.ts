import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addCommand,
  installContext,
  packageManagerOf,
  packageNameAbove,
  rebuildCommand,
} from './install-hint.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'install-hint-'));
  await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'my-app' }));
  await mkdir(join(root, 'dist', 'nameless'), { recursive: true });
  await writeFile(join(root, 'dist', 'nameless', 'package.json'), JSON.stringify({ type: 'module' }));
  await mkdir(join(root, 'node_modules', 'runner'), { recursive: true });
  await writeFile(join(root, 'node_modules', 'runner', 'package.json'), JSON.stringify({ name: 'runner' }));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('install hints', () => {
  it('names the package manager that started the process, npm when it is unknown', () => {
    expect(packageManagerOf('pnpm/10.34.9 npm/? node/v20.20.2 linux x64')).toBe('pnpm');
    expect(packageManagerOf('yarn/4.5.0 npm/? node/v20.20.2 linux x64')).toBe('yarn');
    expect(packageManagerOf('bun/1.2.0 npm/? node/v22.0.0 linux x64')).toBe('bun');
    expect(packageManagerOf('npm/10.8.2 node/v20.20.2 linux x64 workspaces/false')).toBe('npm');
    expect(packageManagerOf(undefined)).toBe('npm');
  });

  it("names the user's package: the nearest package.json with a name", () => {
    expect(packageNameAbove(join(root, 'dist', 'nameless'))).toBe('my-app');
    expect(
      installContext({ userAgent: undefined, mainScript: join(root, 'dist', 'nameless', 'cli.js') }),
    ).toEqual({ packageManager: 'npm', app: 'my-app' });
    // A tool's script inside node_modules (a test runner, npx) says nothing of the user's package.
    expect(
      installContext({
        userAgent: 'pnpm/10',
        mainScript: join(root, 'node_modules', 'runner', 'bin.js'),
        cwd: root,
      }),
    ).toEqual({ packageManager: 'pnpm', app: 'my-app' });
  });

  it('writes the add and rebuild commands of each package manager', () => {
    expect(addCommand('webgpu', { packageManager: 'npm' })).toBe('npm install webgpu');
    expect(addCommand('@tensorflow/tfjs-node@4.22.0', { packageManager: 'pnpm', app: 'my-app' })).toBe(
      'pnpm add @tensorflow/tfjs-node@4.22.0 in my-app',
    );
    expect(rebuildCommand('@tensorflow/tfjs-node', { packageManager: 'yarn', app: 'my-app' })).toBe(
      'yarn rebuild @tensorflow/tfjs-node in my-app',
    );
    expect(rebuildCommand('@tensorflow/tfjs-node', { packageManager: 'bun' })).toBe(
      'bun pm trust @tensorflow/tfjs-node',
    );
  });
});
