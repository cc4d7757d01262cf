// The cluster's registered nodes as the SSH proxy sees them: the inventory from auth, cached a
// few seconds so a burst of connections costs one request.
import type { AuthClient, NodeRecord } from "../../auth/index.js";

const TTL_MS = 5_000;

export class NodeDirectory {
  #nodes: NodeRecord[] = [];
  #fetched = Number.NEGATIVE_INFINITY;
  #pending: Promise<NodeRecord[]> | undefined;

  constructor(
    private readonly auth: Pick<AuthClient, "listNodes">,
    private readonly now: () => number = Date.now,
  ) {}

  /** The nodes, read from auth when the cached list is older than the TTL. */
  list(): Promise<NodeRecord[]> {
    if (this.now() - this.#fetched <= TTL_MS) return Promise.resolve(this.#nodes);
    return this.refresh();
  }

  /** The nodes read from auth now (one request for concurrent callers). */
  refresh(): Promise<NodeRecord[]> {
    this.#pending ??= this.auth
      .listNodes()
      .then((nodes) => {
        this.#nodes = nodes;
        this.#fetched = this.now();
        return nodes;
      })
      .finally(() => (this.#pending = undefined));
    return this.#pending;
  }
}
