/**
 * One HTTP(S) GET with Node's own client: redirects followed (the headers, `Range` included, go
 * along), an idle timeout, and failures sorted into "could not reach" and "answered badly".
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

const MAX_REDIRECTS = 10;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Network-level errors that mean the host was never reached. */
const UNREACHABLE_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'name lookup failed (offline?)',
  ENETUNREACH: 'network unreachable',
  EHOSTUNREACH: 'host unreachable',
  ETIMEDOUT: 'connection timed out',
  ECONNRESET: 'connection reset',
};

/** A source that failed; `unreachable` when no answer came at all. */
export class SourceError extends Error {
  constructor(
    message: string,
    readonly unreachable = false,
  ) {
    super(message);
  }
}

export interface GetOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Milliseconds without a byte before the request is given up (default 30 s). */
  timeoutMs?: number;
}

export interface Response {
  response: IncomingMessage;
  /** The URL that answered, after redirects. */
  url: string;
}

/** GETs `url`, following redirects; resolves when the headers of a non-redirect answer arrive. */
export async function httpGet(url: string, options: GetOptions = {}): Promise<Response> {
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const response = await getOnce(current, options);
    const location = response.headers.location;
    if (!REDIRECTS.has(response.statusCode ?? 0) || !location) return { response, url: current };
    response.resume();
    try {
      current = new URL(location, current).href;
    } catch {
      throw new SourceError(`a redirect to a bad URL: ${location}`);
    }
  }
  throw new SourceError(`more than ${MAX_REDIRECTS} redirects`);
}

function getOnce(url: string, options: GetOptions): Promise<IncomingMessage> {
  const parsed = new URL(url);
  const request =
    parsed.protocol === 'https:' ? httpsRequest : parsed.protocol === 'http:' ? httpRequest : undefined;
  if (!request) return Promise.reject(new SourceError(`not an http(s) URL: ${url}`));
  return new Promise((resolve, reject) => {
    const req = request(parsed, {
      method: 'GET',
      agent: false,
      headers: { 'user-agent': 'fcn.ts', 'accept-encoding': 'identity', ...options.headers },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    req.setTimeout(options.timeoutMs ?? 30_000, () => {
      req.destroy(Object.assign(new Error('no data for too long'), { code: 'ETIMEDOUT' }));
    });
    req.once('response', resolve);
    // `on`, not `once`: a timeout after the answer destroys the request again, while the body streams.
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.name === 'AbortError') return reject(error);
      const reason = (error.code && UNREACHABLE_CODES[error.code]) || undefined;
      reject(new SourceError(reason ?? error.message, reason !== undefined));
    });
    req.end();
  });
}
