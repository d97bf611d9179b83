/**
 * `@fcn/hub/testing`: helpers for tests that download without a network: a fixture HTTP server on
 * 127.0.0.1 with injected faults, a URL where nothing listens, a tar writer, and the marker file of a
 * complete unpacking (to make one by hand).
 */
export { UNPACKED_MARKER } from '../extract-tar.js';
export {
  closedPortUrl,
  type Fault,
  type FixtureServer,
  type ServedRequest,
  startFixtureServer,
} from './fixture-server.js';
export { tarFolder } from './tar-folder.js';
