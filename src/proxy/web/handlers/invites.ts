// /webapi/users/invites…: what the invite (and reset) page calls to read an invite and to set
// the password (and enroll TOTP) with it. There is no session yet: the invite token is the
// credential, and auth checks it (single use, expiry, password policy, the code).
import { z } from "zod";
import { describeIssues } from "../../../auth/index.js";
import type { ProxyContext } from "../../context.js";
import { jsonBody } from "../body.js";
import { badRequest } from "../errors.js";
import { json, type WebRoute } from "../router.js";
import { otpTokenField, passwordField } from "./fields.js";

const tokenField = z
  .string({ error: "expected the invite token from the link" })
  .min(1, { error: "expected the invite token from the link" })
  .max(256, { error: "the invite token is too long: copy the whole link again" });

const completeRequest = z.strictObject({
  token: tokenField,
  password: passwordField,
  otp_token: otpTokenField.optional(),
});

export function inviteRoutes(context: ProxyContext): WebRoute[] {
  return [
    {
      method: "GET",
      path: "/webapi/users/invites/:token",
      access: "public",
      async handle({ params }) {
        const token = tokenField.safeParse(params["token"]);
        if (!token.success) throw badRequest(describeIssues(token.error, "invite link"));
        const invite = await context.auth.getInvite(token.data);
        return json({
          user: invite.user,
          kind: invite.kind,
          expires: invite.expires.toISOString(),
          otp_required: invite.otpRequired,
          ...(invite.otpSecret === undefined ? {} : { otp_secret: invite.otpSecret }),
          ...(invite.otpUri === undefined ? {} : { otp_uri: invite.otpUri }),
        });
      },
    },
    {
      method: "POST",
      path: "/webapi/users/invites/complete",
      access: "public",
      async handle({ req }) {
        const body = await jsonBody(req, completeRequest);
        const user = await context.auth.completeInvite(body.token, body.password, body.otp_token);
        return json({ user: user.name });
      },
    },
  ];
}
