// Logins: a password (and TOTP) login through the proxy (POST /v1/login), reading and completing
// an invite, the cluster's second-factor preference, and tctl auth sign (certificates for a user,
// without a password).
import type { z } from "zod";
import {
  completeInviteRequest,
  loginRequest,
  ROUTES,
  signCertsRequest,
  type authPreferenceResponse,
  type inviteInfoResponse,
  type userCertsResponse,
} from "../../api/index.js";
import type { Role, RoleService } from "../../roles/index.js";
import { parseGoDuration } from "../../tokens/index.js";
import { UserNotFoundError, type User } from "../../users/index.js";
import { authenticated, builtin } from "../authz.js";
import { issueUserCerts } from "../certs.js";
import { badRequest } from "../errors.js";
import { parseJsonBody } from "../http/body.js";
import type { Route } from "../http/router.js";
import type { AuthState } from "../state.js";
import { userToWire } from "./users.js";
import type { RouteDeps } from "./context.js";

/** Teleport's default certificate lifetime for a login. */
export const DEFAULT_LOGIN_TTL_MS = 12 * 60 * 60 * 1000;
const MIN_TTL_MS = 60_000;

function ttlOf(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const ms = parseGoDuration(text);
  if (ms < MIN_TTL_MS) throw badRequest(`field "ttl": ${text} is too short: use at least 1m`);
  return ms;
}

async function existingRoles(roles: RoleService, names: readonly string[]): Promise<Role[]> {
  const found = await Promise.all(names.map((name) => roles.get(name)));
  return found.filter((role): role is Role => role !== undefined);
}

async function certsFor(
  state: AuthState,
  user: User,
  keys: { sshPublicKey: string; tlsPublicKey: string },
  ttl: number,
): Promise<z.input<typeof userCertsResponse>> {
  return issueUserCerts(state.cas, {
    user,
    roles: await existingRoles(state.roles, user.roles),
    sshPublicKey: keys.sshPublicKey,
    tlsPublicKey: keys.tlsPublicKey,
    ttl,
    now: state.now(),
  });
}

export function loginRoutes({ state }: RouteDeps): Route[] {
  return [
    {
      spec: ROUTES.login,
      access: builtin("Proxy", "Admin"),
      async handle({ req, remoteAddr }) {
        const body = await parseJsonBody(req, loginRequest);
        const ttl = ttlOf(body.ttl, DEFAULT_LOGIN_TTL_MS);
        const result = await state.users.checkPassword(body.user, body.password, {
          remoteAddr: body.remoteAddr ?? remoteAddr,
          ...(body.otpToken === undefined ? {} : { otpToken: body.otpToken }),
        });
        if (!result.ok) throw result.error;
        return certsFor(state, result.user, body, ttl);
      },
    },
    {
      spec: ROUTES.authPreference,
      access: authenticated,
      async handle() {
        const response: z.input<typeof authPreferenceResponse> = {
          secondFactor: state.users.secondFactor,
        };
        return response;
      },
    },
    {
      spec: ROUTES.getInvite,
      access: builtin("Proxy", "Admin"),
      async handle({ params }) {
        const invite = await state.users.getInvite(params["token"] ?? "");
        const response: z.input<typeof inviteInfoResponse> = {
          ...invite,
          expires: invite.expires.toISOString(),
        };
        return response;
      },
    },
    {
      spec: ROUTES.completeInvite,
      access: builtin("Proxy", "Admin"),
      async handle({ req }) {
        const body = await parseJsonBody(req, completeInviteRequest);
        const user = await state.users.completeInvite(body.token, body.password, body.otpToken);
        return { user: userToWire(user) };
      },
    },
    {
      spec: ROUTES.signCerts,
      access: builtin("Admin"),
      async handle({ req }) {
        const body = await parseJsonBody(req, signCertsRequest);
        const ttl = ttlOf(body.ttl, DEFAULT_LOGIN_TTL_MS);
        const user = await state.users.get(body.user);
        if (user === undefined) throw new UserNotFoundError(body.user);
        return certsFor(state, user, body, ttl);
      },
    },
  ];
}
