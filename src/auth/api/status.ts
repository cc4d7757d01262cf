// GET /v1/status: what tctl status prints.
import { z } from "zod";

export const statusResponse = z.object({
  clusterName: z.string(),
  /** The Teleport version this cluster is compatible with (what Teleport clients compare). */
  version: z.string(),
  /** This build's own version. */
  serverVersion: z.string(),
  caPin: z.string(),
  /** The identity the request was made with, as the server read it. */
  identity: z.object({
    name: z.string(),
    kind: z.enum(["builtin", "user"]),
    roles: z.array(z.string()),
  }),
});
export type StatusResponse = z.output<typeof statusResponse>;
