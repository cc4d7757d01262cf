// /webapi/sessions/web: log in (POST), learn the session after a page reload (GET: the CSRF
// token comes from here, so nothing secret is kept in the browser's storage), log out (DELETE).
// Logging in and reading the session also say what the user's roles let the UI show (acl).
import { z } from "zod";
import { AuthClient, generateSshKeyPair } from "../../../auth/index.js";
import type { RoleCache } from "../../../ssh/index.js";
import type { ProxyContext } from "../../context.js";
import { aclOf, type WebAcl } from "../acl.js";
import { jsonBody } from "../body.js";
import { clearedSessionCookie, sessionCookie } from "../cookies.js";
import { json, type WebRoute } from "../router.js";
import type { WebSession, WebSessionStore } from "../sessions.js";
import { otpTokenField, passwordField, userField } from "./fields.js";

const loginRequest = z.strictObject({
  user: userField,
  password: passwordField,
  otp_token: otpTokenField.optional(),
});

function sessionBody(session: WebSession, acl: WebAcl): object {
  return {
    user: { name: session.user, roles: session.roles, logins: session.logins },
    expires: session.expires.toISOString(),
    csrf_token: session.csrfToken,
    acl,
  };
}

export function webSessionRoutes(
  context: ProxyContext,
  sessions: WebSessionStore,
  roles: RoleCache,
): WebRoute[] {
  const path = "/webapi/sessions/web";
  return [
    {
      method: "POST",
      path,
      access: "public",
      async handle({ req, remoteAddr, session: previous }) {
        const body = await jsonBody(req, loginRequest);
        // One key, kept in this process only, for the session's certificates.
        const key = generateSshKeyPair();
        const certs = await context.auth.login({
          user: body.user,
          password: body.password,
          sshPublicKey: key.authorizedKey,
          tlsPublicKey: key.publicKey.export({ format: "pem", type: "spki" }).toString(),
          remoteAddr,
          ...(body.otp_token === undefined ? {} : { otpToken: body.otp_token }),
        });
        const auth = new AuthClient({
          addr: context.authAddr,
          identity: {
            keyPem: key.privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
            certPem: certs.tlsCertificate,
            caPems: certs.tlsCaCertificates,
          },
        });
        // Before the session exists: a login that fails here leaves none behind.
        const acl = await aclOf(roles, certs);
        // A new login replaces the browser's session rather than leaving it to run out.
        if (previous !== undefined) sessions.remove(previous.id);
        const session = sessions.add({
          user: certs.user,
          roles: certs.roles,
          logins: certs.logins,
          expires: certs.validBefore,
          auth,
        });
        const cookie = sessionCookie(session.id, sessions.secondsLeft(session));
        return json(sessionBody(session, acl), { cookie });
      },
    },
    {
      method: "GET",
      path,
      access: "session",
      async handle({ session }) {
        return json(sessionBody(session, await aclOf(roles, session)));
      },
    },
    {
      method: "DELETE",
      path,
      access: "session",
      async handle({ session }) {
        sessions.remove(session.id);
        return json({}, { cookie: clearedSessionCookie() });
      },
    },
  ];
}
