// Pieces every route's contract shares: the error body, dates, durations, key fields and the
// names of the system identities. Dates travel as RFC 3339 text; parsing gives Date objects, so
// the server builds z.input<…> and the client reads z.output<…> of the same schema.
import { z } from "zod";

/** TLS server name the auth server's certificate always carries, whatever address it is dialed at. */
export const AUTH_SERVER_NAME = "teleport.cluster.local";

/** System identities (X.509 O of builtin certificates): never usable as user role names. */
export const SYSTEM_ROLES = ["Admin", "Node", "Proxy"] as const;
export type SystemRole = (typeof SYSTEM_ROLES)[number];

export function isSystemRoleName(name: string): boolean {
  return SYSTEM_ROLES.some((role) => role.toLowerCase() === name.toLowerCase());
}

/** The body of every error response. */
export const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
export type ErrorBody = z.infer<typeof errorBody>;

/** Body of responses that only say "done". */
export const emptyResponse = z.object({});

export const isoDate = z.iso
  .datetime({ offset: true, error: "expected an RFC 3339 time such as 2024-01-02T03:04:05Z" })
  .transform((text) => new Date(text));

/** A Go duration as tctl writes it ("5m", "1h30m"); parsed by the server. */
export const goDuration = z
  .string({ error: 'expected a duration such as "5m" or "12h"' })
  .min(1, { error: 'expected a duration such as "5m" or "12h"' })
  .max(32, { error: "the duration is too long" });

/** "ssh-ed25519 AAAA… [comment]" */
export const sshPublicKeyField = z
  .string({ error: "expected an authorized_keys line such as ssh-ed25519 AAAA…" })
  .min(1, { error: "expected an authorized_keys line such as ssh-ed25519 AAAA…" })
  .max(16_384, { error: "the SSH public key is too long" });

/** "-----BEGIN PUBLIC KEY-----…" (SPKI PEM). */
export const tlsPublicKeyField = z
  .string({ error: "expected a PEM public key (-----BEGIN PUBLIC KEY-----)" })
  .min(1, { error: "expected a PEM public key (-----BEGIN PUBLIC KEY-----)" })
  .max(16_384, { error: "the TLS public key is too long" });

export const nameField = (what: string) =>
  z
    .string({ error: `expected ${what}` })
    .min(1, { error: `${what} must not be empty` })
    .max(255, { error: `${what} must be at most 255 characters long` });

export const labelsField = z.record(
  z.string().max(255, { error: "a label name is at most 255 characters long" }),
  z.string().max(1024, { error: "a label value is at most 1024 characters long" }),
);

/** The identity the certificates of login and certs/sign carry. */
export const userCertsResponse = z.object({
  sshCertificate: z.string(),
  tlsCertificate: z.string(),
  tlsCaCertificates: z.array(z.string()),
  sshHostCaLines: z.array(z.string()),
  user: z.string(),
  roles: z.array(z.string()),
  logins: z.array(z.string()),
  validBefore: isoDate,
});
export type UserCertsResponse = z.output<typeof userCertsResponse>;

/** One line per problem: `field "a.b": message`, the shape of every 400 this API answers. */
export function describeIssues(error: z.ZodError, what: string): string {
  const problems = error.issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    return path === "" ? issue.message : `field "${path}": ${issue.message}`;
  });
  return `invalid ${what}: ${problems.join("; ")}`;
}
