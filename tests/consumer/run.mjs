#!/usr/bin/env node
// The packages as an outsider gets them (`pnpm test:packages`, run by .ci/run):
//   1. build every publishable package (turbo, cached) and pack it with `pnpm pack` (publishConfig applied,
//      workspace:* replaced by versions; prepack skipped, since the build just ran);
//   2. publint --strict and attw (profile esm-only) on each tarball;
//   3. a fresh npm project in a temp folder installs the tarballs (the @fcn/* names pinned to them with
//      overrides) and TF.js from the registry, type-checks consumer.mjs (tsc --strict, module nodenext),
//      runs it (plain Node ESM: an FCN, a forward, one training step on wasm) and require()s every entry
//      from CommonJS (Node >= 20.19 loads ESM from require());
//   4. Vite bundles browser.mjs for the browser from the same project (a web page's use of the packages): no
//      Node built-in and no `sharp` reach the bundle, and tfjs-core's engine is in it once (@fcn/layers' node
//      build inlines tfjs-core's gradients; bundlers get the build that imports them).
// --keep keeps the temp folder; --checks-only stops after step 2.
import { execFile as execFileCb, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const execFile = promisify(execFileCb);
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const checksOnly = process.argv.includes('--checks-only');
const keep = process.argv.includes('--keep');
const started = performance.now();
const elapsed = (since = started) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** Runs a command, its output shown only when it fails. */
async function run(command, args, options = {}) {
  try {
    return await execFile(command, args, { maxBuffer: 64 * 2 ** 20, ...options });
  } catch (error) {
    process.stderr.write(`${error.stdout ?? ''}${error.stderr ?? ''}`);
    throw new Error(`${command} ${args.join(' ')} failed (exit ${error.code}) in ${options.cwd ?? root}`);
  }
}

/** Runs a command with its output streamed (for the steps worth watching). */
function runLive(command, args, options = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', ...options });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolvePromise() : reject(new Error(`${command} ${args.join(' ')} exited ${code}`)),
    );
  });
}

/** Maps over items with at most `limit` running at once. */
async function pool(items, limit, task) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const packages = [];
for (const dir of (await readdir(join(root, 'packages'))).sort()) {
  const manifest = JSON.parse(await readFile(join(root, 'packages', dir, 'package.json'), 'utf8'));
  if (!manifest.private) packages.push({ dir: join(root, 'packages', dir), manifest });
}

let step = performance.now();
await run('pnpm', ['exec', 'turbo', 'run', 'build', ...packages.map((p) => `--filter=${p.manifest.name}`)], {
  cwd: root,
});
console.log(`built ${packages.length} packages (${elapsed(step)})`);

const work = await mkdtemp(join(tmpdir(), 'fcn-consumer-'));
try {
  step = performance.now();
  const tarballDir = join(work, 'tarballs');
  await mkdir(tarballDir);
  const tarballs = await pool(packages, 2, async ({ dir, manifest }) => {
    const { stdout } = await run('pnpm', ['pack', '--json', '--pack-destination', tarballDir], {
      cwd: dir,
      env: { ...process.env, npm_config_ignore_scripts: 'true' },
    });
    const packed = JSON.parse(stdout);
    return { name: manifest.name, exports: Object.keys(manifest.exports), file: packed.filename };
  });
  console.log(`packed ${tarballs.length} tarballs (${elapsed(step)})`);

  step = performance.now();
  const problems = [];
  for (const tarball of tarballs) {
    const data = await readFile(tarball.file);
    const { messages, pkg } = await publint({
      pack: { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) },
      strict: true,
    });
    for (const message of messages) {
      problems.push(
        `publint ${tarball.name}: ${message.type}: ${formatMessage(message, pkg, { color: false })}`,
      );
    }
  }
  const attw = join(root, 'node_modules', '.bin', 'attw');
  await pool(tarballs, 2, async (tarball) => {
    try {
      await execFile(attw, [
        tarball.file,
        '--profile',
        'esm-only',
        '--format',
        'table-flipped',
        '--no-color',
      ]);
    } catch (error) {
      problems.push(`attw ${tarball.name} (profile esm-only):\n${error.stdout}${error.stderr}`);
    }
  });
  if (problems.length > 0) throw new Error(`package checks:\n${problems.join('\n')}`);
  console.log(`publint --strict and attw --profile esm-only: no problems (${elapsed(step)})`);
  if (!checksOnly) await consume(tarballs);
} finally {
  if (keep) console.log(`kept ${work}`);
  else await rm(work, { recursive: true, force: true });
}

/** Step 3: a fresh npm project that installs the tarballs and uses them. */
async function consume(tarballs) {
  let step = performance.now();
  const project = join(work, 'project');
  await mkdir(project);
  const tfjs = JSON.parse(await readFile(join(root, 'packages', 'models', 'package.json'), 'utf8'))
    .peerDependencies['@tensorflow/tfjs-core'];
  // An optional peer of @fcn/data: consumer.mjs reads and writes JPEGs; the browser bundle must not reach it.
  const sharp = JSON.parse(await readFile(join(root, 'packages', 'data', 'package.json'), 'utf8'))
    .peerDependencies.sharp;
  const local = Object.fromEntries(tarballs.map((t) => [t.name, `file:${t.file}`]));
  await writeFile(
    join(project, 'package.json'),
    `${JSON.stringify(
      {
        name: 'fcn-consumer',
        private: true,
        type: 'module',
        dependencies: { ...local, '@tensorflow/tfjs-core': tfjs, sharp },
        overrides: local,
      },
      null,
      2,
    )}\n`,
  );
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project });
  console.log(`npm install in ${project} (${elapsed(step)})`);

  step = performance.now();
  await cp(join(here, 'consumer.mjs'), join(project, 'consumer.mjs'));
  // The published .d.ts files as a strict TypeScript user on Node's own resolution sees them (the
  // workspace's tsc and @types/node; skipLibCheck for tfjs-core's own 'Long' type, which is not ours).
  await run(
    join(root, 'node_modules', '.bin', 'tsc'),
    [
      ...['--noEmit', '--allowJs', '--checkJs', '--strict', '--skipLibCheck', '--target', 'es2022'],
      ...['--module', 'nodenext', '--moduleResolution', 'nodenext'],
      ...['--typeRoots', join(root, 'node_modules', '@types'), '--types', 'node', 'consumer.mjs'],
    ],
    { cwd: project },
  );
  console.log(`tsc --checkJs --strict --module nodenext: consumer.mjs type-checks (${elapsed(step)})`);
  await runLive(process.execPath, ['consumer.mjs'], { cwd: project });
  const specifiers = tarballs.flatMap((t) =>
    t.exports.map((e) => (e === '.' ? t.name : `${t.name}/${e.slice(2)}`)),
  );
  await writeFile(
    join(project, 'require.cjs'),
    `for (const spec of ${JSON.stringify(specifiers)}) {\n` +
      `  const entry = require(spec);\n` +
      `  if (Object.keys(entry).length === 0) throw new Error(spec + ': require() gave no exports');\n` +
      `}\nconsole.log('require(): ' + ${JSON.stringify(specifiers.join(', '))});\n`,
  );
  await runLive(process.execPath, ['--no-warnings', 'require.cjs'], { cwd: project });
  console.log(`consumer ran (${elapsed(step)})`);
  await bundleForBrowser(project);
  console.log(`all in ${elapsed()}`);
}

/**
 * Step 4: Vite's browser build of browser.mjs against the installed tarballs. What our packages' files
 * import as the bundler resolves them is recorded: none may be a Node built-in or sharp (TF.js's own
 * Node branches, behind its environment checks, are TF.js's business). And tfjs-core's engine.js, which
 * defines getOrMakeEngine once, must be in the bundle once: a second definition is a second engine.
 */
async function bundleForBrowser(project) {
  const step = performance.now();
  await cp(join(here, 'browser.mjs'), join(project, 'browser.mjs'));
  const { build } = await import('vite');
  const { builtinModules } = await import('node:module');
  const builtins = new Set(builtinModules);
  const outDir = join(project, 'dist-browser');
  const problems = [];
  await build({
    root: project,
    configFile: false,
    logLevel: 'silent',
    plugins: [
      {
        name: 'fcn-browser-imports',
        enforce: 'pre',
        resolveId(source, importer) {
          const bare = source.replace(/^node:/, '');
          const nodeOnly =
            builtins.has(bare) || builtins.has(bare.split('/')[0]) || /^sharp(\/|$)/.test(source);
          if (nodeOnly && importer?.includes('/node_modules/@fcn/')) {
            problems.push(`${importer.slice(importer.indexOf('@fcn/'))} imports ${source}`);
          }
          return null;
        },
      },
    ],
    build: {
      outDir,
      minify: false,
      target: 'es2022',
      lib: { entry: join(project, 'browser.mjs'), formats: ['es'], fileName: 'browser' },
    },
  });
  let code = '';
  for (const file of await readdir(outDir, { recursive: true })) {
    if (file.endsWith('.js')) code += await readFile(join(outDir, file), 'utf8');
  }
  const engines = code.match(/function getOrMakeEngine\(/g)?.length ?? 0;
  if (engines !== 1) problems.push(`tfjs-core's engine is in the bundle ${engines} times, expected once`);
  if (problems.length > 0) throw new Error(`Vite's browser bundle of browser.mjs:\n${problems.join('\n')}`);
  console.log(
    `Vite's browser bundle of browser.mjs: ${(code.length / 1e6).toFixed(1)} MB unminified, tfjs-core's engine once, ` +
      `no Node built-in or sharp from @fcn/* (${elapsed(step)})`,
  );
}
