// zod schemas of what enters the user service (requests) and what it reads back (records).
import { z } from "zod";
import { parseHash } from "./password.js";

const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@+=-]*$/;
const ROLE_NAME = /^[A-Za-z0-9][A-Za-z0-9._@:-]*$/;
// A Unix login: no leading "-" (it would read as an option), at most 32 characters.
const LOGIN = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*\$?$/;

export const userName = z
  .string({ error: "expected a user name" })
  .max(255, { error: "a user name must be at most 255 characters long" })
  .superRefine((name, ctx) => {
    if (!USER_NAME.test(name)) {
      ctx.addIssue({
        code: "custom",
        message: `expected a user name of letters, digits and . _ @ + = - (not starting with a sign), got ${JSON.stringify(name)}`,
      });
    }
  });

const roleName = z.string().superRefine((name, ctx) => {
  if (!ROLE_NAME.test(name)) {
    ctx.addIssue({ code: "custom", message: `expected a role name, got ${JSON.stringify(name)}` });
  }
});

const login = z
  .string()
  .max(32, { error: "a Unix login is at most 32 characters long" })
  .superRefine((value, ctx) => {
    if (!LOGIN.test(value)) {
      ctx.addIssue({
        code: "custom",
        message: `expected a Unix login of letters, digits and . _ - (not starting with "-"), got ${JSON.stringify(value)}`,
      });
    }
  });

const unique = (list: readonly string[]): string[] => [...new Set(list)];

export const addUserRequest = z.strictObject({
  name: userName,
  roles: z
    .array(roleName, { error: "expected a list of role names" })
    .min(1, { error: "a user needs at least one role, such as --roles=access" })
    .transform(unique),
  logins: z.array(login, { error: "expected a list of Unix logins" }).default([]).transform(unique),
});

const instant = z.iso.datetime({ offset: true }).transform((text) => new Date(text));

export const storedUser = z.strictObject({
  name: userName,
  roles: z.array(z.string()),
  traits: z.record(z.string(), z.array(z.string())),
  created: instant,
});

const base32Secret = z.string().regex(/^[A-Z2-7]{16,128}$/, { error: "not a base32 TOTP secret" });

export const storedInvite = z.strictObject({
  user: userName,
  kind: z.enum(["signup", "reset"]),
  created: instant,
  expires: instant,
  /** Made when the invite is first read, with second_factor otp or optional. */
  otpSecret: base32Secret.optional(),
});

export const storedOtpSecret = z.strictObject({ secret: base32Secret });

export const storedOtpUsed = z.strictObject({ counter: z.number().int().nonnegative() });

// A hash we cannot check would fail every login in silence: refuse it loudly (without showing it).
export const storedPassword = z.strictObject({
  hash: z.string().refine((hash) => parseHash(hash) !== undefined, {
    error: "not a scrypt hash with sane parameters",
  }),
});

export const storedAttempts = z.strictObject({
  failures: z.number().int().nonnegative(),
  lastFailure: instant,
  lockedUntil: instant.optional(),
});

/** "field: problem" for each issue. */
export function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    return path === "" ? issue.message : `${path}: ${issue.message}`;
  });
}
