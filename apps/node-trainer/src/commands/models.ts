import { join } from 'node:path';
import type { VocSource } from '@fcn/data';
import { type CacheStatus, cacheDir, cacheStatus, isUnpacked, unpackedPath } from '@fcn/hub';
import { Command } from 'commander';
import { CATALOGUE, type Catalogue, type CatalogueModel } from '../catalogue.js';
import { formatBytes } from '../format-bytes.js';
import { userPath } from '../user-path.js';

interface ModelsOptions {
  cacheDir?: string;
  json?: boolean;
}

interface Row {
  name: string;
  kind: string;
  size: string;
  cache: string;
  published: string;
}

/** `fcn models`: what `fcn download` can fetch, what is published about it, and what the cache holds. */
export function modelsCommand(catalogue: Catalogue = CATALOGUE): Command {
  return new Command('models')
    .description(
      'list the pretrained models and data sets that fcn download fetches, and what the cache holds',
    )
    .option('--cache-dir <dir>', 'the cache folder (default: $FCN_CACHE_DIR, else ~/.cache/fcn-ts)')
    .option('--json', 'print the list as JSON')
    .action(async (options: ModelsOptions) => {
      const dir = options.cacheDir ? userPath(options.cacheDir) : cacheDir();
      const models = await Promise.all(
        catalogue.models.map(async (entry) => ({
          entry,
          cache: await cacheStatus(entry, { cacheDir: dir }),
        })),
      );
      const data = await Promise.all(
        catalogue.data.map(async (entry) => ({
          entry,
          cache: await cacheStatus(entry, { cacheDir: dir }),
          unpacked: await isUnpacked(entry, { cacheDir: dir }),
        })),
      );
      if (options.json) {
        console.log(
          JSON.stringify(
            {
              cacheDir: dir,
              models: models.map(({ entry, cache }) => ({ ...entry, cache })),
              data: data.map(({ entry, cache, unpacked }) => ({
                ...entry,
                cache: { ...cache, unpacked, ...(unpacked ? { folder: folderOf(entry, dir) } : {}) },
              })),
            },
            null,
            2,
          ),
        );
        return;
      }
      const rows: Row[] = [
        ...models.map(({ entry, cache }) => modelRow(entry, cache)),
        ...data.map(({ entry, cache, unpacked }) => dataRow(entry, cache, unpacked)),
      ];
      printTable(rows);
      console.log(
        `\ncache: ${dir}; fetch one with fcn download NAME (a mirror: --mirror URL or $FCN_MIRROR)`,
      );
      for (const licence of new Set(catalogue.models.map((m) => m.licence)))
        console.log(`licence of the models: ${licence}`);
      for (const entry of catalogue.data) console.log(`licence of ${entry.name}: ${entry.licence}`);
    });
}

function modelRow(entry: CatalogueModel, cache: CacheStatus): Row {
  const metrics = entry.metrics.values.map((m) => `${m.name} ${m.value}`).join(', ');
  return {
    name: entry.name,
    kind: entry.kind,
    size:
      entry.sizeBytes !== undefined ? formatBytes(entry.sizeBytes) : `≈${formatBytes(entry.approxSizeBytes)}`,
    cache: cacheWord(cache),
    published: `${metrics} (${entry.metrics.on})`,
  };
}

function dataRow(entry: VocSource, cache: CacheStatus, unpacked: boolean): Row {
  return {
    name: entry.name,
    kind: 'data set',
    size: formatBytes(entry.sizeBytes),
    cache: unpacked ? 'unpacked' : cacheWord(cache),
    published: `${entry.splits.train} train, ${entry.splits.val} val segmentation images`,
  };
}

function cacheWord(cache: CacheStatus): string {
  if (cache.state === 'complete') return 'yes';
  if (cache.state === 'partial') return `partial (${formatBytes(cache.bytes)})`;
  return 'no';
}

function folderOf(entry: VocSource, dir: string): string {
  return join(unpackedPath(entry, { cacheDir: dir }), entry.unpacksTo);
}

function printTable(rows: Row[]): void {
  const header: Row = { name: 'name', kind: 'kind', size: 'size', cache: 'in cache', published: 'published' };
  const columns = ['name', 'kind', 'size', 'cache'] as const;
  const widths = columns.map((c) => Math.max(...[header, ...rows].map((r) => r[c].length)));
  for (const row of [header, ...rows])
    console.log(`${columns.map((c, i) => row[c].padEnd(widths[i]!)).join('  ')}  ${row.published}`);
}
