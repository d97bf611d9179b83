/**
 * Test support: a small torchvision FCN and PyTorch's mask of a real photo, made at test time by
 * packages/models/scripts/torchvision_fcn_photo.py with Debian's PyTorch (scikit-image's cat photo,
 * from python3-skimage). Fails, naming the packages to install, where they are missing.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const PYTHON = '/usr/bin/python3';
export const PHOTO = '/usr/lib/python3/dist-packages/skimage/data/chelsea.png';
const SCRIPT = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  '..',
  'packages',
  'models',
  'scripts',
  'torchvision_fcn_photo.py',
);

export interface TorchvisionPhotoFixture {
  /** The model's state dict, saved by torch.save. */
  pth: string;
  width: number;
  height: number;
  /** PyTorch's `model(x)['out'].argmax(1)`, row-major. */
  labels: Uint8Array;
  /** PyTorch's top-1 minus top-2 logit per pixel. */
  margin: Float32Array;
  logitStd: number;
}

/** Runs Python code with Debian's PyTorch, or fails saying what to install. */
export async function runTorch(args: string[]): Promise<void> {
  try {
    await promisify(execFile)(PYTHON, ['-c', 'import torch, torchvision']);
  } catch {
    throw new Error(
      `${PYTHON} cannot import torch and torchvision: install them (apt-get install python3-torch python3-torchvision)`,
    );
  }
  await promisify(execFile)(PYTHON, args);
}

/** Writes the fixture into `dir`. */
export async function makeTorchvisionPhotoFixture(dir: string): Promise<TorchvisionPhotoFixture> {
  if (!existsSync(PHOTO)) {
    throw new Error(
      `${PHOTO} is missing: install scikit-image's sample photos (apt-get install python3-skimage)`,
    );
  }
  await runTorch([SCRIPT, PHOTO, dir]);
  const info = JSON.parse(await readFile(join(dir, 'info.json'), 'utf8'));
  const marginBytes = await readFile(join(dir, 'margin.f32'));
  return {
    pth: join(dir, 'model.pth'),
    width: info.width,
    height: info.height,
    labels: new Uint8Array(await readFile(join(dir, 'labels.u8'))),
    margin: new Float32Array(marginBytes.buffer, marginBytes.byteOffset, marginBytes.byteLength / 4),
    logitStd: info.logitStd,
  };
}
