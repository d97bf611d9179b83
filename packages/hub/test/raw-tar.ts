/**
 * Tar archives written byte by byte (ustar headers), so tests can make the hostile ones a tar tool
 * would refuse to create: absolute paths, `..`, links that point out, devices.
 */

export interface RawEntry {
  path: string;
  /** `0` file, `2` symbolic link, `1` hard link, `3` character device, `5` folder. */
  type?: '0' | '1' | '2' | '3' | '5';
  body?: string;
  linkpath?: string;
}

function field(header: Uint8Array, offset: number, length: number, value: string): void {
  header.set(new TextEncoder().encode(value).subarray(0, length), offset);
}

function octal(value: number, length: number): string {
  return `${value.toString(8).padStart(length - 1, '0')}\0`;
}

export function rawTar(entries: RawEntry[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const entry of entries) {
    const body = new TextEncoder().encode(entry.body ?? '');
    const header = new Uint8Array(512);
    field(header, 0, 100, entry.path);
    field(header, 100, 8, octal(entry.type === '5' ? 0o755 : 0o644, 8));
    field(header, 108, 8, octal(0, 8));
    field(header, 116, 8, octal(0, 8));
    field(header, 124, 12, octal(body.length, 12));
    field(header, 136, 12, octal(0, 12));
    field(header, 148, 8, '        '); // spaces while the checksum is summed
    field(header, 156, 1, entry.type ?? '0');
    field(header, 157, 100, entry.linkpath ?? '');
    field(header, 257, 6, 'ustar\0');
    field(header, 263, 2, '00');
    const sum = header.reduce((a, b) => a + b, 0);
    field(header, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
    blocks.push(header);
    const padded = new Uint8Array(Math.ceil(body.length / 512) * 512);
    padded.set(body);
    blocks.push(padded);
  }
  blocks.push(new Uint8Array(1024)); // two zero blocks end the archive
  const out = new Uint8Array(blocks.reduce((a, b) => a + b.length, 0));
  let offset = 0;
  for (const block of blocks) {
    out.set(block, offset);
    offset += block.length;
  }
  return out;
}

/** A VOC2012-layout archive of a handful of files under `VOCdevkit/VOC2012`. */
export function tinyVocTar(): Uint8Array {
  const root = 'VOCdevkit/VOC2012';
  return rawTar([
    { path: 'VOCdevkit/', type: '5' },
    { path: `${root}/`, type: '5' },
    { path: `${root}/ImageSets/Segmentation/train.txt`, body: '2007_000032\n' },
    { path: `${root}/ImageSets/Segmentation/val.txt`, body: '2007_000033\n' },
    { path: `${root}/JPEGImages/2007_000032.jpg`, body: 'not really a jpeg' },
    { path: `${root}/SegmentationClass/2007_000032.png`, body: 'not really a png' },
  ]);
}
