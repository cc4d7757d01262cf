/**
 * The object a metric reads at scrape time: the one watched last, until it is unwatched. A node
 * restarted in the same process watches its new objects before the old ones are unwatched.
 */
export class Watched<T> {
  #current: T | undefined;

  get current(): T | undefined {
    return this.#current;
  }

  /** Returns the function that stops watching `source`. */
  watch(source: T): () => void {
    this.#current = source;
    return () => {
      if (this.#current === source) this.#current = undefined;
    };
  }
}
