import { formatBackendLine, initBrowserBackend } from '@fcn/backends/browser';
import { labelsToImageData } from '@fcn/data/browser';
import { backendFromQuery } from './backend-query.js';
import { decodeImageFile } from './image-input.js';
import { formatShare, legendEntries } from './legend.js';
import { fetchDefaultModel, type LoadedModel, modelFromBytes, untrainedModel } from './model-loader.js';
import { overlayImageData } from './overlay.js';
import { sampleImage } from './sample-image.js';
import { segmentImage } from './segment.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const backendLine = $<HTMLParagraphElement>('backend');
const modelLine = $<HTMLParagraphElement>('model');
const status = $<HTMLParagraphElement>('status');
const errorLine = $<HTMLParagraphElement>('error');
const progress = $<HTMLProgressElement>('progress');
const opacity = $<HTMLInputElement>('opacity');
const overlayMask = $<HTMLCanvasElement>('overlay-mask');

let loaded: LoadedModel | undefined;
let image: ImageData | undefined;
/** The file's own size when the image was scaled down to fit the pixel budget. */
let scaledFrom: string | null = null;
/** One piece of work at a time: every action waits for the one before it. */
let queue: Promise<void> = Promise.resolve();
let runs = 0;

function showError(message: string | null): void {
  errorLine.hidden = message === null;
  errorLine.textContent = message ?? '';
}

function enqueue(work: () => Promise<void>): Promise<void> {
  queue = queue.then(async () => {
    try {
      showError(null);
      await work();
    } catch (error) {
      showError(error instanceof Error ? error.message : String(error));
    }
  });
  return queue;
}

function setModel(next: LoadedModel): void {
  loaded?.model.dispose();
  loaded = next;
  modelLine.textContent = `Model: ${next.description}`;
  modelLine.dataset.source = next.source;
  modelLine.classList.toggle('error', next.source === 'untrained');
}

function draw(canvas: HTMLCanvasElement, pixels: ImageData): void {
  canvas.width = pixels.width;
  canvas.height = pixels.height;
  canvas.getContext('2d')!.putImageData(pixels, 0, 0);
}

async function segmentCurrent(): Promise<void> {
  if (!loaded || !image) return;
  const current = image;
  draw($('photo'), current);
  draw($('overlay-photo'), current);
  $('results').hidden = false;
  status.textContent = `Segmenting ${current.width}x${current.height}…`;
  progress.hidden = false;
  progress.value = 0;
  const result = await segmentImage(loaded.model, current, (done, total) => {
    progress.value = done / total;
    status.textContent = `Segmenting ${current.width}x${current.height}: window ${done} of ${total}`;
  });
  progress.hidden = true;
  const mask = labelsToImageData(result.labels, result.width, result.height);
  draw($('mask'), mask);
  draw(overlayMask, overlayImageData(result.labels, result.width, result.height));
  overlayMask.style.opacity = opacity.value;
  const legend = $<HTMLUListElement>('legend');
  legend.replaceChildren(
    ...legendEntries(result.labels, loaded.model.config.classNames).map((entry) => {
      const item = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.style.background = entry.colour;
      item.append(swatch, formatShare(entry));
      return item;
    }),
  );
  const scaled = scaledFrom ? ` (scaled down from ${scaledFrom})` : '';
  $('timing').textContent =
    `Inference: ${Math.round(result.ms)} ms for ${result.width}x${result.height}${scaled} on ${backendLine.dataset.backend}`;
  status.textContent = 'Done.';
  runs++;
  document.body.dataset.runs = String(runs);
}

async function openImage(file: File): Promise<void> {
  const decoded = await decodeImageFile(file);
  image = decoded.image;
  const scaled =
    decoded.image.width !== decoded.originalWidth || decoded.image.height !== decoded.originalHeight;
  scaledFrom = scaled ? `${decoded.originalWidth}x${decoded.originalHeight}` : null;
  await segmentCurrent();
}

async function openWeights(file: File): Promise<void> {
  const next = modelFromBytes(new Uint8Array(await file.arrayBuffer()), file.name, 'file');
  setModel(next);
  await segmentCurrent();
}

/** A dropped or chosen file: weights by their extension, anything else as an image. */
function openFile(file: File): Promise<void> {
  return enqueue(() => (file.name.endsWith('.safetensors') ? openWeights(file) : openImage(file)));
}

function wireControls(): void {
  $<HTMLInputElement>('image-input').addEventListener('change', (event) => {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file) void enqueue(() => openImage(file));
  });
  $<HTMLInputElement>('weights-input').addEventListener('change', (event) => {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file) void enqueue(() => openWeights(file));
  });
  const sample = $<HTMLButtonElement>('sample');
  sample.disabled = false;
  sample.addEventListener('click', () =>
    enqueue(async () => {
      image = sampleImage();
      scaledFrom = null;
      await segmentCurrent();
    }),
  );
  opacity.addEventListener('input', () => {
    overlayMask.style.opacity = opacity.value;
  });
  document.addEventListener('dragover', (event) => {
    event.preventDefault();
    document.body.classList.add('dragging');
  });
  document.addEventListener('dragleave', () => document.body.classList.remove('dragging'));
  document.addEventListener('drop', (event) => {
    event.preventDefault();
    document.body.classList.remove('dragging');
    const file = event.dataTransfer?.files[0];
    if (file) void openFile(file);
  });
}

async function start(): Promise<void> {
  try {
    const result = await initBrowserBackend({
      backend: backendFromQuery(location.search),
      wasmPaths: `${import.meta.env.BASE_URL}tfjs-wasm/`,
    });
    backendLine.textContent = formatBackendLine(result);
    backendLine.dataset.backend = result.name;
  } catch (error) {
    backendLine.textContent = `No backend could start: ${error instanceof Error ? error.message : String(error)}`;
    backendLine.classList.add('error');
    return;
  }
  await enqueue(async () => {
    let model: LoadedModel | null = null;
    try {
      model = await fetchDefaultModel(import.meta.env.BASE_URL);
    } catch (error) {
      showError(`The bundled model could not be loaded: ${(error as Error).message}`);
    }
    setModel(model ?? untrainedModel());
  });
  wireControls();
  document.body.dataset.ready = 'true';
}

void start();
