// Static join tokens, written "ROLE[,ROLE]:TOKEN" in auth_service.tokens.
import { quote } from "./describe.js";
import { closest } from "./suggest.js";

/** Teleport's system roles a static token may grant. */
export const TOKEN_ROLES = [
  "auth",
  "node",
  "proxy",
  "kube",
  "app",
  "db",
  "windowsdesktop",
  "discovery",
  "trusted_cluster",
] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

export interface StaticToken {
  readonly roles: readonly TokenRole[];
  readonly token: string;
}

export type StaticTokenResult =
  | { readonly ok: true; readonly token: StaticToken }
  | { readonly ok: false; readonly problem: string };

const FORMAT = `"ROLE[,ROLE]:TOKEN" such as "node:abcd123"`;

function isTokenRole(name: string): name is TokenRole {
  return (TOKEN_ROLES as readonly string[]).includes(name);
}

/** Parses one entry; problems never repeat the token itself, which is a secret. */
export function parseStaticToken(text: string): StaticTokenResult {
  const fail = (problem: string): StaticTokenResult => ({ ok: false, problem });
  const colon = text.indexOf(":");
  if (colon < 0) return fail(`expected ${FORMAT}, got a string without ":"`);
  const rolesText = text.slice(0, colon);
  const token = text.slice(colon + 1);
  if (rolesText === "") return fail(`expected ${FORMAT}, got nothing before ":"`);
  if (token === "") return fail(`expected ${FORMAT}, got nothing after ":"`);

  const roles: TokenRole[] = [];
  for (const raw of rolesText.split(",")) {
    // Teleport reads role names case-insensitively.
    const name = raw.trim().toLowerCase();
    if (name === "") return fail(`expected role names separated by ",", got ${quote(rolesText)}`);
    if (!isTokenRole(name)) {
      const hint = closest(name, TOKEN_ROLES);
      return fail(
        hint === undefined
          ? `unknown role ${quote(raw)}; expected roles from: ${TOKEN_ROLES.join(", ")}`
          : `unknown role ${quote(raw)}; did you mean ${quote(hint)}?`,
      );
    }
    if (!roles.includes(name)) roles.push(name);
  }
  return { ok: true, token: { roles, token } };
}
