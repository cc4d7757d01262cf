// POST /v1/join: a node or proxy trades a join token for its host identity.
import { z } from "zod";
import { labelsField, nameField, sshPublicKeyField, tlsPublicKeyField } from "./common.js";

export const joinRequest = z.strictObject({
  token: z
    .string({ error: "expected the join token" })
    .min(1, { error: "expected the join token" }),
  role: z.enum(["node", "proxy"], { error: 'expected "node" or "proxy"' }),
  hostname: nameField("a host name").regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, {
    error: "expected a host name of letters, digits and . _ -",
  }),
  sshPublicKey: sshPublicKeyField,
  tlsPublicKey: tlsPublicKeyField,
  /** Where the server listens ("host:port"), for its certificate's principals. */
  addr: z.string().max(300, { error: "the address is too long" }).optional(),
  labels: labelsField.optional(),
});
export type JoinRequest = z.input<typeof joinRequest>;

export const joinResponse = z.object({
  hostId: z.string(),
  clusterName: z.string(),
  /** The SSH host certificate line ("ssh-ed25519-cert-v01@openssh.com AAAA… hostId"). */
  sshCertificate: z.string(),
  /** PEM, CN = hostId, O = [Node] or [Proxy]. */
  tlsCertificate: z.string(),
  tlsCaCertificates: z.array(z.string()),
  /** authorized_keys "cert-authority …" lines: the user CAs to trust for logins. */
  sshUserCaLines: z.array(z.string()),
  /** known_hosts "@cert-authority …" lines of the host CAs. */
  sshHostCaLines: z.array(z.string()),
});
export type JoinResponse = z.output<typeof joinResponse>;
