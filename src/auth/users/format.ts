// What tctl users add / reset print: Teleport's wording, with the invite link (meant to be shown).
import { formatShortDuration } from "../tokens/index.js";
import type { InviteResult } from "./service.js";

/** `proxyAddr` is the proxy's public address, "host:port" (a leading https:// is tolerated). */
export function formatInvite(result: InviteResult, proxyAddr: string): string {
  const proxy = proxyAddr.replace(/^https:\/\//, "").replace(/\/+$/, "");
  const name = JSON.stringify(result.user.name);
  const valid = formatShortDuration(result.ttl);
  const first =
    result.kind === "signup"
      ? `User ${name} has been created but requires a password. Share this URL with the user ` +
        `to complete user setup, link is valid for ${valid}:`
      : `User ${name} has been reset. Share this URL with the user to complete password ` +
        `reset, link is valid for ${valid}:`;
  const path = result.kind === "signup" ? "invite" : "reset";
  return [
    first,
    `https://${proxy}/web/${path}/${result.inviteToken}`,
    "",
    `NOTE: Make sure ${proxy} points at a Teleport proxy which users can access.`,
    "",
  ].join("\n");
}
