import { cacheDir, cacheStatus, download, ensureUnpacked, HubError, isUnpacked } from '@fcn/hub';
import { Command, InvalidArgumentError } from 'commander';
import { CATALOGUE, type Catalogue, catalogueNames, findInCatalogue } from '../catalogue.js';
import { downloadProgress } from '../download-progress.js';
import { ExitError } from '../exit-error.js';
import { formatBytes } from '../format-bytes.js';
import { userPath } from '../user-path.js';

interface DownloadFlags {
  mirror?: string;
  cacheDir?: string;
}

/** `--mirror`: an http(s) base URL. */
export function parseMirror(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw new InvalidArgumentError(`expected an http:// or https:// URL, got '${value}'`);
  return value;
}

/** `fcn download NAME`: a model or data set into the cache, resumed and checked; data sets unpacked. */
export function downloadCommand(catalogue: Catalogue = CATALOGUE): Command {
  return new Command('download')
    .description('download a pretrained model or a data set into the cache (resumes, checks its checksum)')
    .argument('<name>', `what to download: ${catalogueNames(catalogue).join(', ')} (fcn models lists them)`)
    .option(
      '--mirror <url>',
      'a base URL tried first, to which the file name is appended (default: $FCN_MIRROR)',
      parseMirror,
    )
    .option('--cache-dir <dir>', 'the cache folder (default: $FCN_CACHE_DIR, else ~/.cache/fcn-ts)')
    .addHelpText(
      'after',
      '\nA broken connection resumes where it stopped, also in a later run; a file whose checksum does not match ' +
        'is deleted. Progress goes to standard error, the path to standard output. Ctrl-C stops (the download resumes next time).',
    )
    .action(async (name: string, flags: DownloadFlags) => {
      const item = findInCatalogue(catalogue, name);
      const dir = flags.cacheDir ? userPath(flags.cacheDir) : cacheDir();
      const file = item.entry;
      const progress = downloadProgress(file.fileName);
      const controller = new AbortController();
      const onSignal = () => {
        progress.line('interrupted: stopping the download (it resumes next time)');
        controller.abort();
      };
      process.once('SIGINT', onSignal);
      const start = performance.now();
      try {
        const before = await cacheStatus(file, { cacheDir: dir });
        const ready =
          item.kind === 'model'
            ? before.state === 'complete'
            : await isUnpacked(item.entry, { cacheDir: dir });
        if (before.state === 'partial')
          progress.line(`resuming ${file.fileName} at ${formatBytes(before.bytes)}`);
        const options = {
          cacheDir: dir,
          ...(flags.mirror ? { mirror: flags.mirror } : {}),
          signal: controller.signal,
          onProgress: progress.update,
          onNotice: progress.line,
        };
        const path =
          item.kind === 'model'
            ? await download(file, options)
            : await ensureUnpacked(item.entry, {
                ...options,
                onNotice: (line) => {
                  progress.stop();
                  progress.line(line);
                },
              });
        progress.stop();
        const seconds = ((performance.now() - start) / 1000).toFixed(1);
        if (ready) console.log(`${name} is already in the cache: ${path}`);
        else if (item.kind === 'model') {
          const { bytes } = await cacheStatus(file, { cacheDir: dir });
          console.log(
            `downloaded ${name} (${formatBytes(bytes)}, checksum checked) in ${seconds} s: ${path}`,
          );
        } else console.log(`downloaded and unpacked ${name} in ${seconds} s: ${path}`);
      } catch (error) {
        progress.stop();
        if (error instanceof HubError && error.code === 'ABORTED') throw new ExitError(error.message, 130);
        throw error;
      } finally {
        process.off('SIGINT', onSignal);
      }
    });
}
