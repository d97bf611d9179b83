#!/usr/bin/env node
// The installed `fcn` command: runs the bundled CLI (built by `pnpm --filter @fcn/node-trainer build`).
import '../dist/cli.js';
