// zod schemas of what enters the token service: requests, static tokens, stored records.
import { z } from "zod";
import { TOKEN_ROLES } from "./roles.js";

const roleList = TOKEN_ROLES.join(", ");

// Teleport reads role names case-insensitively ("--roles=Node").
export const tokenRole = z.preprocess(
  (value) => (typeof value === "string" ? value.toLowerCase() : value),
  z.enum(TOKEN_ROLES, {
    error: (issue) => `unknown role ${JSON.stringify(issue.input)}: expected one of ${roleList}`,
  }),
);

const roles = z
  .array(tokenRole, { error: "expected a list of roles" })
  .min(1, { error: `expected at least one role, from: ${roleList}` })
  .transform((list) => [...new Set(list)]);

// Label keys as Teleport allows them; values are free text.
const labels = z.record(
  z.string().regex(/^[a-zA-Z0-9/._:*-]+$/, {
    error: "expected a label name of letters, digits and / . _ : * -",
  }),
  z.string({ error: "expected a string" }),
);

// Custom token values: no whitespace or quotes so that they paste into a shell and teleport.yaml
// as they are; long enough not to be guessed. The message never shows the value.
const customToken = z
  .string({ error: "expected a string" })
  .min(8, { error: "a token must be at least 8 characters long" })
  .max(256, { error: "a token must be at most 256 characters long" })
  .regex(/^[A-Za-z0-9._~+=-]+$/, {
    error: "a token may contain only letters, digits and . _ ~ + = -",
  });

export const addTokenRequest = z.strictObject({
  roles,
  ttl: z
    .number({ error: "expected a number of milliseconds" })
    .int({ error: "expected a whole number of milliseconds" })
    .min(1000, { error: "a token must live at least 1 second" }),
  token: customToken.optional(),
  labels: labels.optional(),
});

export const staticTokenSchema = z.object({
  roles,
  token: z.string().min(1, { error: "a static token must not be empty" }),
});

const instant = z.iso.datetime({ offset: true }).transform((text) => new Date(text));

/** What the backend holds under /tokens/<sha256>: a live token or what is left of one. */
export const storedToken = z.discriminatedUnion("state", [
  z.strictObject({
    state: z.literal("active"),
    token: z.string().min(1),
    roles,
    labels: z.record(z.string(), z.string()),
    created: instant,
    expires: instant,
  }),
  // Kept until the original expiry (plus grace) so that a join says why the token is refused.
  z.strictObject({ state: z.enum(["revoked", "used"]), at: instant, expires: instant }),
]);

export type StoredToken = z.output<typeof storedToken>;
export type StoredTokenInput = z.input<typeof storedToken>;

/** "field: problem" for each issue; zod's own wording shows no values, so no secrets leak. */
export function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    let { path, message } = issue;
    // A bad record key: zod says only "Invalid key in record"; name the key (label names are
    // not secret) and give the key schema's own message.
    if (issue.code === "invalid_key") {
      const key = JSON.stringify(String(path.at(-1)));
      path = path.slice(0, -1);
      message = `${key}: ${issue.issues[0]?.message ?? message}`;
    }
    const where = path.map(String).join(".");
    return where === "" ? message : `${where}: ${message}`;
  });
}
