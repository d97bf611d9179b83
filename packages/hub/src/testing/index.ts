/**
 * `@fcn/hub/testing`: helpers for tests that download without a network: a fixture HTTP server on
 * 127.0.0.1 with injected faults, a URL where nothing listens, and a tar writer.
 */
export {
  closedPortUrl,
  type Fault,
  type FixtureServer,
  type ServedRequest,
  startFixtureServer,
} from './fixture-server.js';
export { tarFolder } from './tar-folder.js';
