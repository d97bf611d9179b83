/**
 * `fcn train` against a hostile user: typos with --overwrite, failed resumes, broken run.json, two
 * trainings in one folder, a run killed before its first checkpoint, damaged checkpoints. In every
 * case the run folder is left as it was, or the one line says what is wrong and how to go on.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSyntheticVoc } from '@fcn/data';
import { readSafetensors, withChecksum, writeSafetensors } from '@fcn/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorMessage, runCli } from '../testing/run-cli.js';

let dir: string;
let voc: string;
/** A finished 2-epoch run, copied for each case. */
let base: string;

const tiny = (out: string, ...more: string[]) => [
  'train',
  '--data',
  voc,
  '--out',
  out,
  '--epochs',
  '2',
  '--batch-size',
  '4',
  '--crop',
  '64x64',
  '--width',
  '4',
  '--backend',
  'wasm',
  ...more,
];
const resume = (out: string, ...more: string[]) => [
  'train',
  '--out',
  out,
  '--resume',
  '--backend',
  'wasm',
  ...more,
];

/** Every file of a folder and its bytes, to show that a command changed nothing. */
async function snapshot(folder: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const name of (await readdir(folder)).sort()) {
    files.set(name, (await readFile(join(folder, name))).toString('base64'));
  }
  return files;
}

async function copyOfBase(name: string): Promise<string> {
  const out = join(dir, name);
  await cp(base, out, { recursive: true });
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fcn-cli-run-folder-'));
  voc = join(dir, 'voc');
  await generateSyntheticVoc({ root: voc, train: 8, val: 2, sizes: [[64, 96]], seed: 0 });
  base = join(dir, 'base');
  const run = await runCli(tiny(base));
  if (run.error) throw run.error;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fcn train: nothing lost', () => {
  it('--overwrite with a typo (--crop 31x31, a missing --data) rejects it and leaves the run as it was', async () => {
    const out = await copyOfBase('typo');
    const before = await snapshot(out);
    expect(errorMessage(await runCli(tiny(out, '--overwrite', '--crop', '31x31')))).toMatch(
      /--crop 31x31: both sides must be multiples of 32 \(the FCN's stride\), e\.g\. 32x32/,
    );
    const typo = [...tiny(out, '--overwrite')];
    typo[2] = join(dir, 'typo-data');
    expect(errorMessage(await runCli(typo))).toMatch(/data folder .*typo-data does not exist/);
    expect(errorMessage(await runCli(tiny(out, '--overwrite', '--width', '4096')))).toMatch(
      /option '--width <n>' argument '4096' is invalid\. expected an integer from 1 to 256/,
    );
    expect(await snapshot(out)).toEqual(before);
  });

  it('--overwrite keeps the old run until the new one checkpoints: a new run that fails first leaves it whole', async () => {
    const out = await copyOfBase('overwrite');
    const before = await snapshot(out);
    // lr 1e30 explodes at the first step, before any checkpoint.
    const failed = await runCli(tiny(out, '--overwrite', '--lr', '1e30'));
    expect(errorMessage(failed)).toMatch(
      /the loss is .* at epoch 1, step \d+: .*No checkpoint had been written yet/,
    );
    expect(failed.out).toMatch(
      /--overwrite: the run in .* is replaced when the new run writes its first checkpoint/,
    );
    expect(await snapshot(out)).toEqual(before);

    // A new run that checkpoints replaces the old one entirely: its own metrics, its own run.json.
    const replaced = await runCli(tiny(out, '--overwrite', '--epochs', '1', '--seed', '3'));
    expect(replaced.error).toBeUndefined();
    const metrics = (await readFile(join(out, 'metrics.jsonl'), 'utf8')).trim().split('\n');
    expect(metrics.map((l) => JSON.parse(l).epoch)).toEqual([1]);
    expect(JSON.parse(await readFile(join(out, 'run.json'), 'utf8')).settings).toMatchObject({
      epochs: 1,
      seed: 3,
    });
  });

  it('a failed --resume changes nothing, and a plain --resume still works after it', async () => {
    const out = await copyOfBase('resume-seed');
    const before = await snapshot(out);
    expect(errorMessage(await runCli(resume(out, '--seed', '5')))).toMatch(
      /--seed 5: the run in .* has seed 0, which a resume cannot change; drop --seed/,
    );
    expect(errorMessage(await runCli(resume(out, '--width', '8')))).toMatch(
      /--width 8: the run in .* has a trunk of width 4/,
    );
    expect(await snapshot(out)).toEqual(before);
    const resumed = await runCli(resume(out, '--epochs', '3'));
    expect(resumed.error).toBeUndefined();
    expect(resumed.out).toMatch(/^epoch 3, /m);
  });

  it("says when a resumed run has nothing left to do, and only brings a finished run's files up to date", async () => {
    const out = await copyOfBase('done');
    expect(errorMessage(await runCli(resume(out, '--epochs', '1')))).toMatch(
      /--epochs 1: the run in .* has already trained 2 epochs; pass --epochs 3 or more to train further/,
    );
    // A kill after the last checkpoint, while samples.png was drawn: resuming finishes the files.
    await rm(join(out, 'samples.png'));
    await rm(join(out, 'run.json'));
    const finished = await runCli(resume(out));
    expect(finished.error).toBeUndefined();
    expect(finished.out).toMatch(
      /the run in .* has finished its 2 epochs: nothing to train \(pass --epochs 3 or more to train further\)/,
    );
    expect(finished.out).not.toMatch(/^epoch /m);
    expect(existsSync(join(out, 'samples.png'))).toBe(true);
    expect(await readFile(join(out, 'run.json'), 'utf8')).toBe(
      await readFile(join(base, 'run.json'), 'utf8'),
    );
    expect(
      (await readFile(join(out, 'model.safetensors'))).equals(
        await readFile(join(base, 'model.safetensors')),
      ),
    ).toBe(true);
  });

  it('resumes with the settings saved in the checkpoint when run.json is missing, null or mistyped, and says so', async () => {
    for (const [name, content] of [
      ['missing', null],
      ['null', 'null'],
      ['typed', JSON.stringify({ data: voc, pretrained: null, settings: { crop: '64x64' } })],
    ] as const) {
      const out = await copyOfBase(`runjson-${name}`);
      if (content === null) await rm(join(out, 'run.json'));
      else await writeFile(join(out, 'run.json'), content);
      const run = await runCli(resume(out, '--epochs', '3'));
      expect(run.error).toBeUndefined();
      expect(run.out).toMatch(
        content === null
          ? /run\.json is missing: resuming with the settings saved in the checkpoint/
          : /run\.json is invalid \(.*\): resuming with the settings saved in the checkpoint/,
      );
      // The run's own settings (the VOC folder, 64x64 crops), not the default job's.
      expect(run.out).toMatch(/train: read 8 examples; val: read 2 examples \(crop 64x64\)/);
      expect(JSON.parse(await readFile(join(out, 'run.json'), 'utf8')).settings.epochs).toBe(3);
    }
  });

  it('without a saved copy (an older checkpoint), a missing or invalid run.json is an error that says how to recover', async () => {
    const out = await copyOfBase('old-checkpoint');
    // Take the saved settings out of the checkpoint, as an older fcn wrote it.
    const path = join(out, 'checkpoint.safetensors');
    const file = readSafetensors(await readFile(path));
    const state = JSON.parse(file.metadata['fcn.train_state']!);
    delete state.run;
    const metadata = { ...file.metadata, 'fcn.train_state': JSON.stringify(state) };
    await writeFile(path, writeSafetensors(file.tensors, withChecksum(file.tensors, metadata)));

    await writeFile(join(out, 'run.json'), 'null');
    const before = await snapshot(out);
    expect(errorMessage(await runCli(resume(out)))).toMatch(
      /cannot resume .*: run\.json is invalid: the record should be an object \{ data, pretrained, settings \}, got null; fix it, or start again with --overwrite/,
    );
    await writeFile(
      join(out, 'run.json'),
      JSON.stringify({ data: voc, pretrained: null, settings: { epochs: 2, batchSize: 4, crop: '64x64' } }),
    );
    expect(errorMessage(await runCli(resume(out)))).toMatch(
      /run\.json is invalid: settings\.crop should be \[height, width\] in multiples of 32, got "64x64"/,
    );
    await rm(join(out, 'run.json'));
    expect(errorMessage(await runCli(resume(out)))).toMatch(
      /cannot resume .*: its run\.json \(the data folder and settings of the run\) is missing; put it back, or start again with --overwrite/,
    );
    const after = await snapshot(out);
    before.delete('run.json');
    expect(after).toEqual(before);
  });

  it('refuses a damaged checkpoint (64 flipped bytes) instead of resuming from it', async () => {
    const out = await copyOfBase('flipped');
    const path = join(out, 'checkpoint.safetensors');
    const bytes = new Uint8Array(await readFile(path));
    for (let i = bytes.length - 200; i < bytes.length - 136; i++) bytes[i]! ^= 0xff;
    await writeFile(path, bytes);
    expect(errorMessage(await runCli(resume(out, '--epochs', '3')))).toMatch(
      /cannot resume: .*checkpoint\.safetensors: the tensor data do not match the checksum .*; start again with --overwrite, or put back a good copy/,
    );
  });
});

describe('fcn train: one training per folder, and restarts after a kill', () => {
  it('refuses a folder another live training holds, and takes over the lock of a dead one', async () => {
    const out = await copyOfBase('locked');
    const lock = join(out, '.fcn-train.lock');
    // The test runner's parent process is alive and is not this one.
    await writeFile(
      lock,
      JSON.stringify({ pid: process.ppid, host: hostname(), started: '2024-01-01T00:00:00Z' }),
    );
    const before = await snapshot(out);
    expect(errorMessage(await runCli(resume(out, '--epochs', '3')))).toMatch(
      new RegExp(
        `is in use by another training \\(pid ${process.ppid}, since 2024-01-01T00:00:00Z\\); wait for it to finish`,
      ),
    );
    expect(await snapshot(out)).toEqual(before);

    const dead = Number(
      spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout,
    );
    await writeFile(lock, JSON.stringify({ pid: dead, host: hostname(), started: '2024-01-01T00:00:00Z' }));
    const run = await runCli(resume(out, '--epochs', '3'));
    expect(run.error).toBeUndefined();
    expect(run.out).toMatch(
      new RegExp(`took over the lock of a training that is no longer running \\(pid ${dead}`),
    );
    expect(existsSync(lock)).toBe(false);
  });

  it('starts again, without --overwrite, a run killed before its first checkpoint, and clears what the kill left', async () => {
    const out = join(dir, 'killed-early');
    await mkdir(out);
    // What a kill -9 in the first epoch leaves: run.json of an older fcn, a lock, a half-written checkpoint.
    await writeFile(join(out, 'run.json'), await readFile(join(base, 'run.json')));
    await writeFile(
      join(out, '.fcn-train.lock'),
      JSON.stringify({ pid: 2 ** 22 + 1, host: hostname(), started: 'then' }),
    );
    await writeFile(join(out, '.checkpoint.safetensors.tmp-12345-0badf00d'), 'half');
    expect(errorMessage(await runCli(resume(out)))).toMatch(
      /nothing to resume: .*killed-early holds no checkpoint\.safetensors \(its run stopped before its first checkpoint: start it again without --resume\)/,
    );
    const run = await runCli(tiny(out, '--epochs', '1'));
    expect(run.error).toBeUndefined();
    expect(run.out).toMatch(
      /holds run\.json of a run stopped before its first checkpoint: starting it again/,
    );
    expect(run.out).toMatch(/removed 1 temporary file\(s\) a stopped run left/);
    expect((await readdir(out)).sort()).toEqual([
      'checkpoint.safetensors',
      'curves.svg',
      'metrics.jsonl',
      'model.safetensors',
      'run.json',
      'samples.png',
    ]);
  });

  it('names the problem for an empty train.txt, a seed that is not a safe integer and too few images for a batch', async () => {
    const empty = join(dir, 'empty-voc');
    await cp(voc, empty, { recursive: true });
    await writeFile(join(empty, 'ImageSets', 'Segmentation', 'train.txt'), '');
    const args = tiny(join(dir, 'empty-run'));
    args[2] = empty;
    expect(errorMessage(await runCli(args))).toMatch(
      /ImageSets\/Segmentation\/train\.txt lists no images; add image ids to it \(one a line\)/,
    );
    expect(errorMessage(await runCli(tiny(join(dir, 'seed'), '--seed', '1e20')))).toMatch(
      /option '--seed <s>' argument '1e20' is invalid\. expected an integer ≥ 0 of at most 2\^53 - 1/,
    );
    expect(errorMessage(await runCli(tiny(join(dir, 'batch'), '--batch-size', '9')))).toMatch(
      /has 8 training examples, fewer than a batch of 9; pass a smaller --batch-size/,
    );
    for (const name of ['empty-run', 'seed', 'batch']) expect(existsSync(join(dir, name))).toBe(false);
  });
});
