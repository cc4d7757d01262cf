// The node inventory: /nodes/<host id>, written by heartbeats with a 10-minute TTL, so a node
// that stops heartbeating drops out of tctl nodes ls by itself.
import type { Backend } from "../../backend/index.js";
import { nodeRecord, type NodeRecord } from "../api/index.js";
import type { z } from "zod";

export const NODES_PREFIX = "/nodes/";
export const NODE_TTL_MS = 10 * 60 * 1000;

export type NodeRecordInput = z.input<typeof nodeRecord>;

export interface NodeAnnouncement {
  hostname: string;
  addr: string;
  labels: Record<string, string>;
  version: string;
}

export class NodeInventory {
  constructor(
    private readonly backend: Backend,
    private readonly now: () => Date,
  ) {}

  async announce(hostId: string, node: NodeAnnouncement): Promise<NodeRecordInput> {
    const seen = this.now();
    const expires = new Date(seen.getTime() + NODE_TTL_MS);
    const record: NodeRecordInput = {
      hostId,
      ...node,
      lastSeen: seen.toISOString(),
      expires: expires.toISOString(),
    };
    await this.backend.put(`${NODES_PREFIX}${hostId}`, JSON.stringify(record), { expires });
    return record;
  }

  /** Live nodes, by host name. Records that do not parse are left out (a newer writer's). */
  async list(): Promise<NodeRecord[]> {
    const found: NodeRecord[] = [];
    for (const item of await this.backend.getRange(NODES_PREFIX)) {
      let json: unknown;
      try {
        json = JSON.parse(item.value);
      } catch {
        continue;
      }
      const parsed = nodeRecord.safeParse(json);
      if (parsed.success) found.push(parsed.data);
    }
    return found.sort((a, b) => a.hostname.localeCompare(b.hostname));
  }
}

export function nodeToWire(node: NodeRecord): NodeRecordInput {
  return { ...node, lastSeen: node.lastSeen.toISOString(), expires: node.expires.toISOString() };
}
