/** Test helper: packs files from a folder into a tar archive (npm `tar`, portable headers). */
import { create } from 'tar';

/** Writes `tarPath` holding `paths` (relative to `cwd`, folders recursively), e.g. `['VOCdevkit']`. */
export async function tarFolder(cwd: string, paths: string[], tarPath: string): Promise<void> {
  await create({ file: tarPath, cwd, portable: true }, paths);
}
