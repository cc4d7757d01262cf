// Users and logins: /v1/users…, /v1/invites/complete, /v1/login and /v1/certs/sign.
import { z } from "zod";
import { goDuration, isoDate, nameField, sshPublicKeyField, tlsPublicKeyField } from "./common.js";

/** The password only goes from proxy (or tctl) to auth; never logged. */
const password = z
  .string({ error: "expected the password" })
  .max(1024, { error: "the password is too long" });

export const loginRequest = z.strictObject({
  user: nameField("a user name"),
  password,
  sshPublicKey: sshPublicKeyField,
  tlsPublicKey: tlsPublicKeyField,
  ttl: goDuration.optional(),
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

export const listUsersResponse = z.object({ users: z.array(userRecord) });
