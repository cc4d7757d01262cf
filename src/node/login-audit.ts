// Refused logins in the audit log: Teleport's "auth" event (T3007W, "auth attempt failed") with
// the reason, kept on the node's disk until auth has it (see delivery.ts). Only certificate
// attempts count, as in Teleport: a plain key or the "none" probe every client starts with is no
// login attempt worth recording.
import { createEvent, type AuditEventOf } from "../events/index.js";
import type { Logger } from "../log/index.js";
import type { RecordingDelivery } from "./delivery.js";
import { errorMessage } from "./errors.js";

export interface RefusedLogin {
  /** The Teleport user the certificate names (its key id), trusted or not. */
  user: string;
  login: string;
  reason: string;
  /** "ip:port" of the client and of this end of the connection. */
  remoteAddr: string;
  localAddr: string;
}

export interface LoginAuditOptions {
  delivery: RecordingDelivery;
  logger: Logger;
  clusterName: string;
  serverId: string;
}

export function refusedLoginEvent(
  refused: RefusedLogin,
  options: Pick<LoginAuditOptions, "clusterName" | "serverId">,
): AuditEventOf<"auth"> {
  return createEvent(
    "auth",
    {
      user: refused.user,
      login: refused.login,
      server_id: options.serverId,
      "addr.remote": refused.remoteAddr,
      "addr.local": refused.localAddr,
      success: false,
      error: refused.reason,
    },
    { clusterName: options.clusterName },
  );
}

/** Spools the event for delivery; only a node that cannot write its data dir fails here. */
export async function auditRefusedLogin(
  refused: RefusedLogin,
  options: LoginAuditOptions,
): Promise<void> {
  try {
    await options.delivery.spoolEvents([refusedLoginEvent(refused, options)]);
  } catch (error) {
    options.logger.error(
      { component: "node", login: refused.login, remote: refused.remoteAddr },
      `The audit event of a refused login cannot be kept for auth: ${errorMessage(error)}`,
    );
  }
}
