// Read-modify-write of one key that several requests (or auth servers) may write at once: the
// write is a create or a compareAndSwap, so of two racing updates one fails and is redone on
// what the other wrote, and none is lost.
import { AlreadyExistsError, CompareFailedError, NotFoundError } from "./errors.js";
import type { Backend, Item, PutOptions } from "./types.js";

const ATTEMPTS = 10;

/** What an update decided for the item it read: write `value` and return `result`, or only return. */
export type UpdateStep<T> = { result: T; value: string; options?: PutOptions } | { result: T };

/**
 * Reads `key`, asks `decide` what to do with the item (undefined when absent) and writes its
 * value unless someone wrote the key since it was read; then reads and decides again. `what`
 * names the update in the error thrown when the key keeps changing.
 */
export async function updateItem<T>(
  backend: Backend,
  key: string,
  what: string,
  decide: (item: Item | undefined) => UpdateStep<T>,
): Promise<T> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const item = await backend.get(key);
    const step = decide(item);
    if (!("value" in step)) return step.result;
    try {
      if (item === undefined) await backend.create(key, step.value, step.options);
      else await backend.compareAndSwap(key, item.revision, step.value, step.options);
      return step.result;
    } catch (error) {
      // Another writer created, changed or removed it since it was read.
      const raced =
        error instanceof AlreadyExistsError ||
        error instanceof CompareFailedError ||
        error instanceof NotFoundError;
      if (!raced) throw error;
    }
  }
  throw new Error(`could not record ${what}: ${key} kept changing over ${ATTEMPTS} tries`);
}
