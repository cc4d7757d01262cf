export const PAGE_SIZE = 4096;

/** Ring buffer bytes for a size in pages: rounded up to a power of two, as the kernel requires. */
export function ringBytes(pages: number): number {
  if (!Number.isInteger(pages) || pages < 1) {
    throw new RangeError(`a ring buffer size is a positive whole number of pages, got ${pages}`);
  }
  let rounded = 1;
  while (rounded < pages) rounded *= 2;
  return rounded * PAGE_SIZE;
}
