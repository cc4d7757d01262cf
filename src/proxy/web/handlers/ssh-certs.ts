// POST /webapi/ssh/certs: what `tsh login` calls. A password (and TOTP code) login through auth
// for the client's own public keys: the private keys never leave the client.
import { z } from "zod";
import type { ProxyContext } from "../../context.js";
import { jsonBody } from "../body.js";
import { json, type WebRoute } from "../router.js";
import { otpTokenField, passwordField, userField } from "./fields.js";

const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

const certsRequest = z.strictObject({
  user: userField,
  password: passwordField,
  otp_token: otpTokenField.optional(),
  ssh_public_key: z
    .string({ error: "expected an authorized_keys line such as ssh-ed25519 AAAA…" })
    .min(1, { error: "expected an authorized_keys line such as ssh-ed25519 AAAA…" })
    .max(16_384, { error: "the SSH public key is too long" }),
  tls_public_key: z
    .string({ error: "expected a PEM public key (-----BEGIN PUBLIC KEY-----)" })
    .min(1, { error: "expected a PEM public key (-----BEGIN PUBLIC KEY-----)" })
    .max(16_384, { error: "the TLS public key is too long" }),
  ttl: z
    .string({ error: 'expected a duration such as "8h"' })
    .max(32, { error: 'expected a duration such as "8h"' })
    .regex(GO_DURATION, { error: 'expected a duration such as "8h" or "90m"' })
    .optional(),
});

export function sshCertsRoutes(context: ProxyContext): WebRoute[] {
  return [
    {
      method: "POST",
      path: "/webapi/ssh/certs",
      access: "public",
      async handle({ req, remoteAddr }) {
        const body = await jsonBody(req, certsRequest);
        const certs = await context.auth.login({
          user: body.user,
          password: body.password,
          sshPublicKey: body.ssh_public_key,
          tlsPublicKey: body.tls_public_key,
          remoteAddr,
          ...(body.ttl === undefined ? {} : { ttl: body.ttl }),
          ...(body.otp_token === undefined ? {} : { otpToken: body.otp_token }),
        });
        return json({
          ssh_certificate: certs.sshCertificate,
          tls_certificate: certs.tlsCertificate,
          tls_ca_certificates: certs.tlsCaCertificates,
          ssh_host_ca_lines: certs.sshHostCaLines,
          user: certs.user,
          roles: certs.roles,
          logins: certs.logins,
          valid_before: certs.validBefore.toISOString(),
        });
      },
    },
  ];
}
