// POST /v1/heartbeat (a node says it is alive) and GET /v1/nodes (the inventory).
import { z } from "zod";
import { SESSION_RECORDING_MODES } from "../../config/index.js";
import { isoDate, labelsField, nameField } from "./common.js";

export const heartbeatRequest = z.strictObject({
  name: nameField("the node's host name"),
  addr: z.string({ error: 'expected the node\'s SSH address "host:port"' }).max(300),
  labels: labelsField.default({}),
  version: z.string({ error: "expected the node's version" }).max(64),
});
export type HeartbeatRequest = z.input<typeof heartbeatRequest>;

export const nodeRecord = z.object({
  hostId: z.string(),
  hostname: z.string(),
  addr: z.string(),
  labels: z.record(z.string(), z.string()),
  version: z.string(),
  lastSeen: isoDate,
  expires: isoDate,
});
export type NodeRecord = z.output<typeof nodeRecord>;

export const heartbeatResponse = z.object({
  expires: isoDate,
  sessionRecording: z.enum(SESSION_RECORDING_MODES),
});
export type HeartbeatResponse = z.output<typeof heartbeatResponse>;

export const listNodesResponse = z.object({ nodes: z.array(nodeRecord) });
