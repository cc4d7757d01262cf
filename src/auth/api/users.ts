// Users and logins: /v1/users…, /v1/invites/complete, /v1/login and /v1/certs/sign.
import { z } from "zod";
import { goDuration, isoDate, nameField, sshPublicKeyField, tlsPublicKeyField } from "./common.js";

/** The password only goes from proxy (or tctl) to auth; never logged. */
const password = z
  .string({ error: "expected the password" })
  .max(1024, { error: "the password is too long" });

/** The 6-digit code of an authenticator app (TOTP); only goes from proxy (or tsh) to auth. */
const otpToken = z
  .string({ error: "expected the 6-digit code from the authenticator app" })
  .regex(/^\d{6}$/, { error: "expected the 6-digit code from the authenticator app" });

/** auth_service.authentication.second_factor, as the cluster applies it. */
export const secondFactorMode = z.enum(["off", "otp", "optional"]);
export type SecondFactorMode = z.output<typeof secondFactorMode>;

/** GET /v1/auth/preference: what a login form must ask for. */
export const authPreferenceResponse = z.object({ secondFactor: secondFactorMode });
export type AuthPreference = z.output<typeof authPreferenceResponse>;

export const loginRequest = z.strictObject({
  user: nameField("a user name"),
  password,
  sshPublicKey: sshPublicKeyField,
  tlsPublicKey: tlsPublicKeyField,
  ttl: goDuration.optional(),
  /** Required when the cluster (or, with second_factor: optional, the user) uses TOTP. */
  otpToken: otpToken.optional(),
  /** The user's address as the proxy saw it, for the user.login event. */
  remoteAddr: z.string().max(300).optional(),
});
export type LoginRequest = z.input<typeof loginRequest>;

export const signCertsRequest = z.strictObject({
  user: nameField("a user name"),
  ttl: goDuration,
  sshPublicKey: sshPublicKeyField,
  tlsPublicKey: tlsPublicKeyField,
});
export type SignCertsRequest = z.input<typeof signCertsRequest>;

export const completeInviteRequest = z.strictObject({
  token: z.string({ error: "expected the invite token" }).min(1).max(256),
  password,
  /** A code for the invite's otpSecret: required with second_factor: otp. */
  otpToken: otpToken.optional(),
});
export type CompleteInviteRequest = z.input<typeof completeInviteRequest>;

export const userRecord = z.object({
  name: z.string(),
  roles: z.array(z.string()),
  traits: z.record(z.string(), z.array(z.string())),
  created: isoDate,
});
export type UserRecord = z.output<typeof userRecord>;

export const completeInviteResponse = z.object({ user: userRecord });

export const addUserRequest = z.strictObject({
  name: nameField("a user name"),
  roles: z.array(z.string(), { error: "expected a list of role names" }),
  logins: z.array(z.string(), { error: "expected a list of Unix logins" }).default([]),
});
export type AddUserRequest = z.input<typeof addUserRequest>;

/** An invite link's parts; the token is shown once to the admin, never stored in clear. */
export const inviteResponse = z.object({
  user: userRecord,
  kind: z.enum(["signup", "reset"]),
  inviteToken: z.string(),
  expires: isoDate,
  /** Milliseconds the link is valid. */
  ttl: z.number(),
});
export type InviteResponse = z.output<typeof inviteResponse>;

/**
 * GET /v1/invites/:token: what the signup page shows before the user sets a password. The TOTP
 * secret is made on the first read and is the same on every later read of that invite.
 */
export const inviteInfoResponse = z.object({
  user: z.string(),
  kind: z.enum(["signup", "reset"]),
  expires: isoDate,
  otpRequired: z.boolean(),
  /** Base32, for typing into an authenticator app. */
  otpSecret: z.string().optional(),
  /** otpauth://totp/CLUSTER:USER?secret=…&issuer=CLUSTER, for a QR code. */
  otpUri: z.string().optional(),
});
export type InviteInfo = z.output<typeof inviteInfoResponse>;

export const listUsersResponse = z.object({ users: z.array(userRecord) });
