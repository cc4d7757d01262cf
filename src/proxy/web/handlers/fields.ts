// Fields of the login bodies (POST /webapi/ssh/certs and /webapi/sessions/web).
import { z } from "zod";

export const userField = z
  .string({ error: "expected the user name" })
  .min(1, { error: "the user name must not be empty" })
  .max(255, { error: "the user name is at most 255 characters long" });

export const passwordField = z
  .string({ error: "expected the password" })
  .max(1024, { error: "the password is too long" });

export const otpTokenField = z
  .string({ error: "expected the 6-digit code from the authenticator app" })
  .regex(/^\d{6}$/, { error: "expected the 6-digit code from the authenticator app" });
