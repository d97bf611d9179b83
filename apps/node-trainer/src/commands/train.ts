import { existsSync } from 'node:fs';
import { mkdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readVocSplit, type Size, VOC_CLASSES, type VocDataset, type VoidMode } from '@fcn/data';
import {
  describeConfig,
  detectFormat,
  FCN_VARIANTS,
  type FcnVariant,
  fcn,
  loadWeights,
  readWeightFile,
  type SegmentationModel,
  torchvisionFcn,
  trunkSpecFromState,
} from '@fcn/models';
import {
  LR_SCHEDULES,
  type LrSchedule,
  lockRunFolder,
  removeStrayTempFiles,
  runPaths,
  train,
} from '@fcn/train';
import { Command } from 'commander';
import { type BackendFlags, startBackend, withBackendOptions } from '../backend.js';
import { CATALOGUE, type Catalogue } from '../catalogue.js';
import { ExitError } from '../exit-error.js';
import { loadModelFile, readUserFile } from '../model-file.js';
import {
  oneOf,
  parseIntInRange,
  parseNonNegativeInt,
  parseNonNegativeNumber,
  parsePositiveInt,
  parsePositiveNumber,
  parseSize,
} from '../parse.js';
import {
  CHAPTER_SETTINGS,
  MAX_WIDTH,
  presetHelp,
  SYNTHETIC_SETTINGS,
  type TrainSettings,
} from '../presets.js';
import { epochProgress } from '../progress.js';
import { writeRunReport } from '../report/run-report.js';
import { resolveSource } from '../resolve-source.js';
import { checkResumeFlags, readResumePoint } from '../resume-point.js';
import { checkStart, inspectRunFolder, removeOldReports, sameStart } from '../run-folder.js';
import { type RunSettings, writeRunSettings } from '../run-settings.js';
import { checkCropMultiple, checkDataFolder, emptySplitMessage } from '../split-checks.js';
import { defaultSyntheticVoc } from '../synthetic-cache.js';
import { userPath } from '../user-path.js';
import { stopOnInterrupt } from './interrupt.js';

interface TrainFlags extends BackendFlags {
  data?: string;
  epochs?: number;
  batchSize?: number;
  crop?: Size;
  lr?: number;
  lrSchedule?: LrSchedule;
  wd?: number;
  momentum?: number;
  microBatch?: number;
  variant?: FcnVariant;
  width?: number;
  void?: VoidMode;
  seed?: number;
  pretrained?: string;
  weights?: string;
  out?: string;
  resume?: boolean;
  overwrite?: boolean;
  checkpointEvery: number;
}

/** `fcn train`: the chapter's training, on a VOC folder or (without `--data`) the embedded default job. */
export function trainCommand(catalogue: Catalogue = CATALOGUE): Command {
  return withBackendOptions(
    new Command('train').description(
      "train an FCN: the chapter's settings on a VOC2012 folder, or without --data the default job on a synthetic VOC",
    ),
  )
    .option(
      '--data <dir>',
      'a PASCAL VOC2012 folder (VOCdevkit/VOC2012, or one from fcn synth-voc), or voc2012 (downloaded and unpacked on first use); without it: a cached synthetic VOC',
    )
    .option('--epochs <n>', presetHelp('epochs', 'epochs'), parsePositiveInt)
    .option('--batch-size <n>', presetHelp('images per SGD step', 'batchSize'), parsePositiveInt)
    .option(
      '--crop <HxW>',
      presetHelp('random crop, sides multiples of 32', 'crop', (s: Size) => s.join('x')),
      parseSize,
    )
    .option('--lr <x>', presetHelp('learning rate', 'lr'), parsePositiveNumber)
    .option(
      '--lr-schedule <name>',
      presetHelp(
        `learning rate over the steps: ${LR_SCHEDULES.join(' | ')} (lr (1 - t/T)^0.9)`,
        'lrSchedule',
      ),
      oneOf(LR_SCHEDULES),
    )
    .option('--wd <x>', presetHelp('weight decay', 'weightDecay'), parseNonNegativeNumber)
    .option('--momentum <x>', presetHelp('SGD momentum', 'momentum'), parseNonNegativeNumber)
    .option(
      '--micro-batch <n>',
      "images per forward/backward pass, gradients summed to the batch (default: from the backend's memory)",
      parsePositiveInt,
    )
    .option(
      '--variant <v>',
      presetHelp(`FCN variant: ${FCN_VARIANTS.join(' | ')}`, 'variant'),
      oneOf(FCN_VARIANTS),
    )
    .option(
      '--width <n>',
      presetHelp(`trunk width, at most ${MAX_WIDTH} (64 is ResNet-18's own)`, 'width'),
      parseIntInRange(1, MAX_WIDTH, "64 is ResNet-18's own width; memory grows with its square"),
    )
    .option(
      '--void <mode>',
      presetHelp('void border pixels: background | ignore', 'void'),
      oneOf(['background', 'ignore'] as const),
    )
    .option(
      '--seed <s>',
      presetHelp('seed of initialisation, crops and batch order', 'seed'),
      parseNonNegativeInt,
    )
    .option(
      '--pretrained <file>',
      "an ImageNet ResNet (torchvision's .pth or safetensors, or a zoo name: resnet18 | resnet34 | resnet50 | resnet101, " +
        "downloaded on first use) to start the trunk from: ResNet-18/34 give the chapter's FCN, ResNet-50/101 torchvision's FCN",
    )
    .option(
      '--weights <file>',
      "a whole model to fine-tune: torchvision's FCN (.pth, or fcn_resnet50 | fcn_resnet101 from the zoo) or a model file from fcn train",
    )
    .option('--out <dir>', 'run folder (default: runs/voc with --data, runs/synthetic without)')
    .option(
      '--resume',
      'continue the run in --out from its last checkpoint (its run.json supplies the settings)',
    )
    .option(
      '--overwrite',
      'start a new run in an --out that already holds one (the old run stays until the new one checkpoints)',
    )
    .option(
      '--checkpoint-every <n>',
      'also checkpoint every n steps inside an epoch (0: at epoch ends only)',
      parseNonNegativeInt,
      20,
    )
    .addHelpText(
      'after',
      `
Writes into --out: model.safetensors (weights for eval, predict and the web demo), checkpoint.safetensors
(for --resume), metrics.jsonl (one line an epoch), samples.png (inputs, predictions, labels), curves.svg
and run.json. Ctrl-C stops after the current step and checkpoints it; run again with --resume.
One training at a time per --out (a lock file names its process); everything is checked before the
folder is touched, and an old run is replaced only when the new run writes its first checkpoint.`,
    )
    .action(async (flags: TrainFlags) => {
      await runTraining(flags, catalogue);
    });
}

async function runTraining(flags: TrainFlags, catalogue: Catalogue): Promise<void> {
  const start = performance.now();
  const outDir = userPath(flags.out ?? (flags.data ? 'runs/voc' : 'runs/synthetic'));
  const progress = epochProgress();
  const log = (line: string) => progress.line(line);

  // 1. Look and check, touching nothing: the folder, the run to resume, the settings, the data, the
  // weights. Any mistake stops here with the folder as it was.
  const folder = await inspectRunFolder(outDir);
  const startNote = checkStart(folder, {
    resume: flags.resume ?? false,
    overwrite: flags.overwrite ?? false,
  });
  const resumed = flags.resume ? await readResumePoint(outDir) : null;
  const finishedNote = resumed ? checkResumeFlags(outDir, resumed, flags) : null;
  const run = await resolveSources(resolveRun(flags, resumed?.run ?? null), flags, catalogue);
  if (run.data !== null) {
    checkDataFolder(
      run.data,
      `; pass a VOC2012 folder (VOCdevkit/VOC2012) or make one with: fcn synth-voc --out ${run.data}`,
    );
  }
  const backend = await startBackend(flags, (line) => console.log(line));
  for (const note of [...(resumed?.notes ?? []), startNote, finishedNote]) if (note) log(note);
  const dataRoot = run.data ?? (await defaultSyntheticVoc(log));
  const { settings } = run;
  const [trainSet, valSet] = await readSplits(dataRoot, settings);
  log(
    `train: ${trainSet.report}; val: ${valSet ? valSet.report : 'no val split'} (crop ${settings.crop.join('x')})`,
  );
  const model = await buildModel(run, flags.width);

  // 2. Take the folder: one training at a time; what a kill left behind is cleared.
  const created = !folder.exists;
  let lock: Awaited<ReturnType<typeof lockRunFolder>> | undefined;
  const releaseOnExit = () => lock?.releaseSync();
  let interrupt: ReturnType<typeof stopOnInterrupt> | undefined;
  let lastCheckpoint: { epoch: number; step: number } | undefined;
  try {
    await mkdir(outDir, { recursive: true });
    lock = await lockRunFolder(outDir, { note: log });
    process.on('exit', releaseOnExit);
    if (!sameStart(folder, await inspectRunFolder(outDir))) {
      throw new Error(
        `${outDir} changed while this training was starting (another training?); run the command again`,
      );
    }
    const stray = await removeStrayTempFiles(outDir);
    if (stray.length > 0) log(`removed ${stray.length} temporary file(s) a stopped run left in ${outDir}`);

    interrupt = stopOnInterrupt((line) => log(line));
    const from = run.weights
      ? `, from ${run.weights}`
      : run.pretrained
        ? `, trunk from ${run.pretrained}`
        : ', from scratch';
    log(
      `model: ${describeConfig(model.config)}, ${model.numParameters().toLocaleString('en-US')} parameters${from}`,
    );
    let recorded = false;
    const result = await train({
      model,
      train: trainSet,
      ...(valSet ? { val: valSet } : {}),
      epochs: settings.epochs,
      batchSize: settings.batchSize,
      lr: settings.lr,
      lrSchedule: settings.lrSchedule,
      weightDecay: settings.weightDecay,
      momentum: settings.momentum,
      seed: settings.seed,
      ...(flags.microBatch !== undefined ? { microBatch: flags.microBatch } : {}),
      memoryLimitBytes: backend.memoryLimitBytes,
      runDir: outDir,
      resume: flags.resume ?? false,
      run: run as unknown as Record<string, unknown>,
      checkpointEvery: flags.checkpointEvery,
      signal: interrupt.signal,
      logger: log,
      callbacks: {
        onStep: (info) => progress.step(info),
        onCheckpoint: async ({ epoch, step }) => {
          lastCheckpoint = { epoch, step };
          if (recorded) return;
          // This run's first checkpoint: only now is an old run's record replaced.
          if (!flags.resume) await removeOldReports(outDir);
          await writeRunSettings(outDir, run);
          recorded = true;
        },
      },
    });
    progress.stop();
    // No new checkpoint (a finished run, or a stop at once): repair a missing or stale run.json from
    // the record the checkpoint holds.
    if (resumed && !recorded && resumed.notes.length > 0) await writeRunSettings(outDir, resumed.run);
    const paths = runPaths(outDir);
    const seconds = (performance.now() - start) / 1000;
    if (result.status === 'aborted') {
      // Stop promptly: no samples.png (it predicts whole images); curves.svg when this run has a checkpoint.
      if (lastCheckpoint || resumed) await writeRunReport(outDir, model, result.history, undefined);
      if (!lastCheckpoint && !resumed) {
        throw new ExitError(
          `stopped before the first checkpoint; nothing was written${folder.checkpoint ? ` (the run in ${outDir} is as it was)` : ''}`,
          130,
        );
      }
      const at = lastCheckpoint
        ? `epoch ${lastCheckpoint.epoch + 1}, step ${lastCheckpoint.step}`
        : `epoch ${(resumed?.state.position.epoch ?? 0) + 1}, step ${resumed?.state.position.step ?? 0}`;
      throw new ExitError(
        `stopped; ${paths.checkpoint} continues at ${at}. Resume with: fcn train --resume --out ${outDir}`,
        130,
      );
    }
    const report = await writeRunReport(outDir, model, result.history, valSet ?? trainSet, {
      window: settings.crop,
    });
    const files = [paths.model, paths.metrics, report.samples, report.curves].filter(Boolean).join(', ');
    console.log(`done in ${formatDuration(seconds)}; wrote ${files}`);
  } finally {
    progress.stop();
    interrupt?.dispose();
    model.dispose();
    await lock?.release();
    process.off('exit', releaseOnExit);
    // A folder this command made and that stayed empty (it failed before its first checkpoint) goes.
    if (created) await rmdir(outDir).catch(() => {});
  }
}

/** The settings: the preset (chapter or default job, or the resumed run's), then the user's flags. */
function resolveRun(flags: TrainFlags, previous: RunSettings | null): RunSettings {
  const data = flags.data !== undefined ? userPath(flags.data) : (previous?.data ?? null);
  const base = previous?.settings ?? (data === null ? SYNTHETIC_SETTINGS : CHAPTER_SETTINGS);
  const settings: TrainSettings = {
    epochs: flags.epochs ?? base.epochs,
    batchSize: flags.batchSize ?? base.batchSize,
    crop: flags.crop ?? base.crop,
    lr: flags.lr ?? base.lr,
    lrSchedule: flags.lrSchedule ?? base.lrSchedule,
    weightDecay: flags.wd ?? base.weightDecay,
    momentum: flags.momentum ?? base.momentum,
    width: flags.width ?? base.width,
    variant: flags.variant ?? base.variant,
    void: flags.void ?? base.void,
    seed: flags.seed ?? base.seed,
  };
  checkCropMultiple(settings.crop);
  if (flags.pretrained !== undefined && flags.weights !== undefined) {
    throw new Error(
      '--pretrained (a trunk to start from) and --weights (a whole model to fine-tune) contradict each other; pick one',
    );
  }
  const pretrained =
    flags.pretrained ?? (flags.weights === undefined ? (previous?.pretrained ?? null) : null);
  const weights = flags.weights ?? (flags.pretrained === undefined ? (previous?.weights ?? null) : null);
  return { data, pretrained, weights, settings };
}

/**
 * Names of the zoo (`--data voc2012`, `--pretrained resnet18`, `--weights fcn_resnet50`) become the
 * downloaded files' paths, fetched on first use; paths stay paths.
 */
async function resolveSources(
  run: RunSettings,
  flags: TrainFlags,
  catalogue: Catalogue,
): Promise<RunSettings> {
  const data =
    flags.data !== undefined
      ? await resolveSource(flags.data, { flag: '--data', kinds: ['data'], catalogue })
      : run.data;
  const pretrained =
    flags.pretrained !== undefined
      ? await resolveSource(flags.pretrained, { flag: '--pretrained', kinds: ['trunk'], catalogue })
      : run.pretrained;
  const weights =
    flags.weights !== undefined
      ? await resolveSource(flags.weights, { flag: '--weights', kinds: ['segmentation'], catalogue })
      : (run.weights ?? null);
  return { ...run, data, pretrained, weights };
}

async function readSplits(
  root: string,
  settings: TrainSettings,
): Promise<[VocDataset, VocDataset | undefined]> {
  const read = (split: 'train' | 'val') =>
    readVocSplit({ root, split, crop: settings.crop, void: settings.void });
  const trainSet = await read('train');
  if (trainSet.length === 0) throw new Error(emptySplitMessage(root, 'train', trainSet, settings.crop));
  if (trainSet.length < settings.batchSize) {
    throw new Error(
      `${root} has ${trainSet.length} training examples, fewer than a batch of ${settings.batchSize}; pass a smaller --batch-size`,
    );
  }
  const valSet = existsSync(join(root, 'ImageSets', 'Segmentation', 'val.txt'))
    ? await read('val')
    : undefined;
  return [trainSet, valSet && valSet.length > 0 ? valSet : undefined];
}

/**
 * The model a run trains: a whole model to fine-tune (`--weights`), or a new one for VOC's 21 classes
 * whose trunk starts from an ImageNet ResNet (`--pretrained`: ResNet-18/34 give the chapter's FCN at
 * the file's width, ResNet-50/101 torchvision's FCN, as `fcn_resnet50(weights_backbone=...)` builds
 * it), or from scratch (the chapter's FCN of --variant and --width).
 */
async function buildModel(run: RunSettings, askedWidth?: number): Promise<SegmentationModel> {
  const { settings } = run;
  if (run.weights) return loadModelFile(run.weights);
  if (!run.pretrained) {
    return fcn({
      numClasses: 21,
      variant: settings.variant,
      trunk: { arch: 'resnet18', width: settings.width },
      classNames: [...VOC_CLASSES],
      seed: settings.seed,
    });
  }
  const bytes = await readUserFile(run.pretrained, '--pretrained file');
  let model: SegmentationModel | undefined;
  try {
    const file = readWeightFile(bytes);
    const format = detectFormat(file);
    if (format !== 'torchvision') {
      throw new Error(
        `it holds a whole model (${format} layout), not an ImageNet ResNet trunk; fine-tune a whole model with --weights`,
      );
    }
    const spec = trunkSpecFromState(file.tensors);
    if (spec.block === 'basic' && askedWidth !== undefined && askedWidth !== spec.width) {
      throw new Error(
        `it is a ${spec.arch} of width ${spec.width}, and --width ${askedWidth} asks for another; leave out --width to take the file's`,
      );
    }
    model =
      spec.block === 'bottleneck'
        ? torchvisionFcn({
            blocks: spec.blocks,
            numClasses: 21,
            classNames: [...VOC_CLASSES],
            seed: settings.seed,
          })
        : fcn({
            numClasses: 21,
            variant: settings.variant,
            trunk: { arch: spec.arch, width: spec.width },
            classNames: [...VOC_CLASSES],
            seed: settings.seed,
          });
    loadWeights(model, bytes, { format: 'torchvision' });
    return model;
  } catch (error) {
    model?.dispose();
    throw new Error(`--pretrained ${run.pretrained}: ${(error as Error).message}`);
  }
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${Math.round(seconds - 60 * m)} s`;
}
