/**
 * The page's thread: controls, drawing and messages only. The backend, the model and every tensor
 * live in the inference worker (`inference.worker.ts`), so the page keeps responding while it runs.
 */
import { labelsToImageData } from '@fcn/data/browser';
import { backendFromQuery } from './backend-query.js';
import { renderCard } from './card-view.js';
import { decodeImageFile } from './image-input.js';
import { InferenceClient, startInferenceWorker } from './inference-client.js';
import { formatShare, legendEntries } from './legend.js';
import type { ModelCard } from './model-card.js';
import { overlayImageData } from './overlay.js';
import { sampleImage } from './sample-image.js';
import {
  fetchDefaultModelBytes,
  fetchWeightsFromUrl,
  fileNameOf,
  TORCHVISION_FCN_RESNET50_URL,
} from './weights-fetch.js';
import type { WeightsOrigin } from './worker-protocol.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const backendLine = $<HTMLParagraphElement>('backend');
const modelLine = $<HTMLParagraphElement>('model');
const status = $<HTMLParagraphElement>('status');
const errorLine = $<HTMLParagraphElement>('error');
const progress = $<HTMLProgressElement>('progress');
const opacity = $<HTMLInputElement>('opacity');
const overlayMask = $<HTMLCanvasElement>('overlay-mask');
const urlInput = $<HTMLInputElement>('weights-url');

type Choice = 'default' | 'torchvision' | 'file' | 'none';

let client: InferenceClient;
let card: ModelCard | undefined;
let defaultBytes: Uint8Array | null = null;
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
      progress.hidden = true;
      status.textContent = '';
      showError(error instanceof Error ? error.message : String(error));
    }
  });
  return queue;
}

function markChoice(choice: Choice): void {
  for (const element of document.querySelectorAll<HTMLElement>('.choice')) {
    element.classList.toggle('active', element.dataset.choice === choice);
  }
}

function setModel(next: ModelCard, origin: WeightsOrigin | null, choice: Choice): void {
  card = next;
  modelLine.textContent = next.warning
    ? `Model: ${next.note}`
    : `Model: ${origin ? `${origin.kind === 'url' ? fileNameOf(origin.name) : origin.name}: ` : ''}${next.architecture}, ${next.classes.length} classes`;
  modelLine.dataset.source = origin?.kind ?? 'untrained';
  modelLine.classList.toggle('error', next.warning);
  renderCard($('card'), next);
  markChoice(choice);
}

async function loadWeights(bytes: Uint8Array, origin: WeightsOrigin, choice: Choice): Promise<void> {
  status.textContent = `Loading ${origin.kind === 'url' ? fileNameOf(origin.name) : origin.name}…`;
  const next = await client.load(bytes, origin);
  status.textContent = '';
  setModel(next, origin, choice);
  await segmentCurrent();
}

function draw(canvas: HTMLCanvasElement, pixels: ImageData): void {
  canvas.width = pixels.width;
  canvas.height = pixels.height;
  canvas.getContext('2d')!.putImageData(pixels, 0, 0);
}

async function segmentCurrent(): Promise<void> {
  if (!card || !image) return;
  const current = image;
  draw($('photo'), current);
  draw($('overlay-photo'), current);
  $('results').hidden = false;
  const size = `${current.width}x${current.height}`;
  status.textContent = `Segmenting ${size}…`;
  progress.hidden = false;
  progress.removeAttribute('value');
  const result = await client.segment(current, (done, total) => {
    progress.value = done / total;
    status.textContent =
      total === 1 ? `Segmenting ${size} in one pass…` : `Segmenting ${size}: window ${done} of ${total}`;
  });
  progress.hidden = true;
  draw($('mask'), labelsToImageData(result.labels, result.width, result.height));
  draw(overlayMask, overlayImageData(result.labels, result.width, result.height));
  overlayMask.style.opacity = opacity.value;
  $<HTMLUListElement>('legend').replaceChildren(
    ...legendEntries(result.labels, card.classes).map((entry) => {
      const item = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.style.background = entry.colour;
      item.append(swatch, formatShare(entry));
      return item;
    }),
  );
  const scaled = scaledFrom ? ` (scaled down from ${scaledFrom})` : '';
  const how = result.windows === 1 ? 'in one pass' : `in ${result.windows} windows`;
  $('timing').textContent =
    `Inference: ${Math.round(result.ms)} ms for ${result.width}x${result.height}${scaled} on ${backendLine.dataset.backend}, ${how}`;
  status.textContent = 'Done.';
  runs++;
  document.body.dataset.runs = String(runs);
  document.body.dataset.inferenceMs = String(Math.round(result.ms));
}

async function openImage(file: File): Promise<void> {
  const decoded = await decodeImageFile(file);
  image = decoded.image;
  const scaled =
    decoded.image.width !== decoded.originalWidth || decoded.image.height !== decoded.originalHeight;
  scaledFrom = scaled ? `${decoded.originalWidth}x${decoded.originalHeight}` : null;
  await segmentCurrent();
}

async function openWeights(file: File, choice: Choice): Promise<void> {
  await loadWeights(new Uint8Array(await file.arrayBuffer()), { kind: 'file', name: file.name }, choice);
}

async function openUrl(text: string): Promise<void> {
  const name = fileNameOf(text.trim());
  status.textContent = `Fetching ${name}…`;
  progress.hidden = false;
  progress.removeAttribute('value');
  const bytes = await fetchWeightsFromUrl(text, (received, total) => {
    const mb = (n: number) => (n / 2 ** 20).toFixed(1);
    status.textContent = `Fetching ${name}: ${mb(received)}${total ? ` of ${mb(total)}` : ''} MiB`;
    if (total) progress.value = received / total;
  });
  progress.hidden = true;
  await loadWeights(bytes, { kind: 'url', name: text.trim() }, 'torchvision');
}

const isWeightsFile = (name: string) => /\.(safetensors|pth|pt)$/i.test(name);

/** A dropped file: weights by their extension, anything else as an image. */
function openDropped(file: File): Promise<void> {
  return enqueue(() => (isWeightsFile(file.name) ? openWeights(file, 'file') : openImage(file)));
}

/** Calls `open` with the file an `<input type=file>` got, and clears it so the same file can come again. */
function onFile(id: string, open: (file: File) => Promise<void>): void {
  $<HTMLInputElement>(id).addEventListener('change', (event) => {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file) void enqueue(() => open(file));
  });
}

function wireControls(): void {
  onFile('image-input', openImage);
  onFile('weights-input', (file) => openWeights(file, 'file'));
  onFile('torchvision-input', (file) => openWeights(file, 'torchvision'));
  urlInput.value = TORCHVISION_FCN_RESNET50_URL;
  $<HTMLButtonElement>('fetch-url').addEventListener('click', () => enqueue(() => openUrl(urlInput.value)));
  const useDefault = $<HTMLButtonElement>('use-default');
  useDefault.disabled = defaultBytes === null;
  $('default-missing').hidden = defaultBytes !== null;
  useDefault.addEventListener('click', () =>
    enqueue(async () => {
      // The worker takes the bytes it is sent: send it a copy, keep these for next time.
      if (defaultBytes)
        await loadWeights(defaultBytes.slice(), { kind: 'default', name: 'model.safetensors' }, 'default');
    }),
  );
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
    if (file) void openDropped(file);
  });
}

async function start(): Promise<void> {
  try {
    client = new InferenceClient(startInferenceWorker());
    // An absolute URL: the worker resolves relative ones against its own script's folder.
    const wasmPaths = new URL(`${import.meta.env.BASE_URL}tfjs-wasm/`, location.href).href;
    const ready = await client.init(backendFromQuery(location.search), wasmPaths);
    backendLine.textContent = ready.line;
    backendLine.dataset.backend = ready.name;
  } catch (error) {
    backendLine.textContent = `No backend could start: ${error instanceof Error ? error.message : String(error)}`;
    backendLine.classList.add('error');
    return;
  }
  await enqueue(async () => {
    try {
      defaultBytes = await fetchDefaultModelBytes(import.meta.env.BASE_URL);
      if (defaultBytes) {
        const origin: WeightsOrigin = { kind: 'default', name: 'model.safetensors' };
        setModel(await client.load(defaultBytes.slice(), origin), origin, 'default');
        return;
      }
    } catch (error) {
      showError(`The bundled model could not be loaded: ${(error as Error).message}`);
    }
    setModel(await client.untrained(), null, 'none');
  });
  wireControls();
  document.body.dataset.ready = 'true';
}

void start();
