/**
 * Weight bytes the page fetches: the build's default model (`model.safetensors` beside the page, when
 * the build bundled one) and a URL the user pastes (fetched by the browser, so the host must allow
 * cross-origin requests; the error says how to get the file instead).
 */

/** The default model's URL in the built site. */
export const DEFAULT_MODEL_URL = 'model.safetensors';

/** torchvision's FCN-ResNet50 (COCO with VOC labels), the file the page suggests. */
export const TORCHVISION_FCN_RESNET50_URL =
  'https://download.pytorch.org/models/fcn_resnet50_coco-1167a1af.pth';

/** The build's default model bytes, or null when the site has none (a 404, or an HTML fallback page). */
export async function fetchDefaultModelBytes(
  baseUrl: string,
  fetchImpl: typeof fetch = fetch,
): Promise<Uint8Array | null> {
  const response = await fetchImpl(`${baseUrl}${DEFAULT_MODEL_URL}`);
  if (!response.ok) return null;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('text/html')) return null;
  return new Uint8Array(await response.arrayBuffer());
}

/** The last part of a URL's path (`fcn_resnet50_coco-1167a1af.pth`), for messages and cards. */
export function fileNameOf(url: string): string {
  try {
    const path = new URL(url).pathname;
    return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1)) || url;
  } catch {
    return url;
  }
}

/** Checks a pasted URL: http(s) only; errors say what is wrong. */
export function parseWeightsUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new Error(`'${text.trim()}' is not a URL: paste a full address (https://...)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`${url.protocol} URLs cannot be fetched by the page: use an https:// address`);
  }
  return url;
}

/**
 * Downloads weight bytes from a URL, reporting bytes received (and the total when the server says).
 * A network failure, which is what the browser reports when the host does not allow cross-origin
 * requests (CORS), becomes a message saying how to get the file onto the page instead.
 */
export async function fetchWeightsFromUrl(
  text: string,
  onProgress: (received: number, total: number | null) => void = () => {},
  fetchImpl: typeof fetch = fetch,
): Promise<Uint8Array> {
  const url = parseWeightsUrl(text);
  let response: Response;
  try {
    response = await fetchImpl(url.href, { mode: 'cors', credentials: 'omit' });
  } catch (error) {
    throw new Error(
      `could not fetch ${url.href} (${(error as Error).message}): the host may not allow cross-origin ` +
        `requests (CORS) or be unreachable. Download the file yourself (curl -LO ${url.href}, or for a ` +
        'zoo model pnpm fcn download NAME, e.g. fcn_resnet50) and drop it on the page or choose it',
    );
  }
  if (!response.ok) throw new Error(`${url.href} answered ${response.status} ${response.statusText}`.trim());
  const length = Number(response.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? length : null;
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    onProgress(received, total);
  }
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}
