import { type StorageRef, storageFromPid } from './torch-globals.js';
import { printable } from './unpickle.js';

/**
 * The storages a pickle's persistent ids refer to, by key. One key is one storage: every reference to it
 * must agree on its type (torch.save refuses to save one storage as two types).
 */
export class StorageTable {
  private readonly byKey = new Map<string, StorageRef>();

  /** The hook for BINPERSID. */
  readonly persistentLoad = (pid: unknown): StorageRef => {
    const ref = storageFromPid(pid);
    const first = this.byKey.get(ref.key);
    if (first === undefined) {
      this.byKey.set(ref.key, ref);
    } else if (first.dtype !== ref.dtype) {
      throw new Error(
        `storage '${printable(ref.key, 40)}' is used as torch.${first.type.name} and as torch.${ref.type.name}`,
      );
    }
    return ref;
  };

  /** The first reference to `key`, or undefined. */
  get(key: string): StorageRef | undefined {
    return this.byKey.get(key);
  }
}
