/**
 * Test helper (`@fcn/hub/testing`): an HTTP server on 127.0.0.1 that serves fixture bytes with
 * Range support and injected faults, so downloads are tested without a network. Not a test itself.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Fault {
  /** Send the full headers but only this many bytes of the body, then cut the connection. */
  cutAfter?: number;
  /** Answer with this status (404, 500, ...) and no body. */
  status?: number;
  /** Serve these bytes instead of the file's (same length unless they differ): a corrupted copy. */
  wrongBytes?: Uint8Array;
  /** Answer a Range request with the whole file and a 200, as some servers do. */
  ignoreRange?: boolean;
  /** Redirect (302) to this path or URL. */
  redirectTo?: string;
  /** Apply to this many requests, then serve normally (default: all of them). */
  times?: number;
}

export interface ServedRequest {
  path: string;
  /** The request's Range header, if any. */
  range: string | undefined;
  status: number;
}

export interface FixtureServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** Every request, in order. */
  readonly requests: ServedRequest[];
  /** Serve `body` at `path` (e.g. `/models/x.pth`), with faults applied in order. */
  serve(path: string, body: Uint8Array, ...faults: Fault[]): void;
  close(): Promise<void>;
}

interface Route {
  body: Uint8Array;
  faults: Fault[];
}

/** Starts a fixture server on 127.0.0.1 and a free port. */
export async function startFixtureServer(): Promise<FixtureServer> {
  const routes = new Map<string, Route>();
  const requests: ServedRequest[] = [];
  const server = createServer((req, res) => handle(routes, requests, req, res));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    serve(path, body, ...faults) {
      routes.set(path, { body, faults: faults.map((f) => ({ ...f })) });
    },
    close: () => closeServer(server),
  };
}

/** A URL on 127.0.0.1 where nothing listens (a port just opened and closed again). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await closeServer(server);
  return `http://127.0.0.1:${port}`;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

function handle(
  routes: Map<string, Route>,
  requests: ServedRequest[],
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const range = req.headers.range;
  const record = (status: number) => requests.push({ path, range, status });
  const route = routes.get(path);
  if (!route) {
    record(404);
    res.writeHead(404).end();
    return;
  }
  const fault = route.faults[0];
  if (fault) {
    if (fault.times !== undefined && --fault.times <= 0) route.faults.shift();
    if (fault.status !== undefined) {
      record(fault.status);
      res.writeHead(fault.status).end();
      return;
    }
    if (fault.redirectTo !== undefined) {
      record(302);
      res.writeHead(302, { location: fault.redirectTo }).end();
      return;
    }
  }
  const body = fault?.wrongBytes ?? route.body;
  const size = body.length;
  const partial = range !== undefined && !fault?.ignoreRange;
  const start = partial ? Number(/^bytes=(\d+)-$/.exec(range)?.[1] ?? Number.NaN) : 0;
  if (partial && (Number.isNaN(start) || start >= size)) {
    record(416);
    res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
    return;
  }
  const status = partial ? 206 : 200;
  record(status);
  res.writeHead(status, {
    'content-type': 'application/octet-stream',
    'content-length': String(size - start),
    'accept-ranges': 'bytes',
    ...(status === 206 ? { 'content-range': `bytes ${start}-${size - 1}/${size}` } : {}),
  });
  const rest = body.subarray(start);
  if (fault?.cutAfter !== undefined) {
    res.write(rest.subarray(0, fault.cutAfter), () => {
      // Give the bytes time to leave (a busy machine needs a while), then cut: the client sees a body
      // shorter than announced.
      setTimeout(() => res.socket?.destroy(), 250);
    });
    return;
  }
  res.end(rest);
}
