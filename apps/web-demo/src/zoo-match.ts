/**
 * Is this weight file one the model zoo knows (torchvision's FCN-ResNet50/101 trained on COCO with VOC
 * labels)? A `.pth` is recognised by the first 8 hex digits of its SHA-256, torchvision's own check
 * (the digits in its file name); a file only named like one (e.g. a safetensors made from it with
 * `fcn export`) gets the published metrics marked as matched by name, not verified.
 */
import { MODEL_ZOO, type ZooEntry } from '@fcn/models';
import type { PublishedInfo } from './model-card.js';

const SEGMENTATION_ENTRIES: readonly ZooEntry[] = Object.values(MODEL_ZOO).filter(
  (entry) => entry.kind === 'segmentation',
);

/** Hex SHA-256 of the bytes (Web Crypto: pages on https or localhost, workers, Node). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** `fcn_resnet50_coco-1167a1af.pth` → `fcn_resnet50_coco-1167a1af`. */
const stem = (fileName: string) => fileName.replace(/^.*[/\\]/, '').replace(/\.[^.]*$/, '');

export function publishedInfo(entry: ZooEntry, how: string): PublishedInfo {
  const metrics = entry.metrics.values.map((m) => `${m.name} ${m.value}`).join(', ');
  return {
    name: `torchvision ${entry.name} (${entry.weights})`,
    metrics: [
      `${entry.metrics.on}: ${metrics}`,
      `${entry.classes.count} classes (${entry.classes.dataset}), ${(entry.parameters / 1e6).toFixed(1)}M parameters as published`,
      `licence: ${entry.licence}`,
    ],
    reference: how,
  };
}

export interface ZooMatch {
  entry: ZooEntry;
  /** The published record, when the checksum matches, or the name does and the file is no `.pth`. */
  published?: PublishedInfo;
  /** What the card says the file is good for. */
  note: string;
}

/**
 * The zoo entry these bytes are: by checksum; or by file name, for a file converted from one (a
 * `.pth` named like torchvision's whose checksum differs is not the published weights, and the note
 * says so). Null when neither matches.
 */
export async function matchZoo(
  bytes: Uint8Array,
  fileName: string,
  isPth: boolean,
  entries: readonly ZooEntry[] = SEGMENTATION_ENTRIES,
): Promise<ZooMatch | null> {
  const hex = await sha256Hex(bytes);
  const byHash = entries.find((entry) => hex.startsWith(entry.sha256Prefix));
  if (byHash) {
    const how = `SHA-256 begins ${byHash.sha256Prefix}, as torchvision's file does`;
    return { entry: byHash, published: publishedInfo(byHash, how), note: byHash.description };
  }
  const byName = entries.find((entry) => stem(fileName) === stem(entry.fileName));
  if (!byName) return null;
  if (isPth) {
    return {
      entry: byName,
      note:
        `named like torchvision's ${byName.fileName}, but its SHA-256 begins ${hex.slice(0, 8)}, ` +
        `not ${byName.sha256Prefix}: not the published weights (a different or damaged file)`,
    };
  }
  const how = 'matched by file name only (a converted file; its checksum cannot be compared)';
  return { entry: byName, published: publishedInfo(byName, how), note: byName.description };
}
