// Where user data lives in the backend. Secrets are kept apart from the user record so that
// listing users never reads a hash, and invites are found by the SHA-256 of their token.
export const USERS_PREFIX = "/users/";
export const PASSWORDS_PREFIX = "/passwords/";
export const ATTEMPTS_PREFIX = "/login_attempts/";
export const INVITES_PREFIX = "/invites/";
export const OTP_SECRETS_PREFIX = "/otp_secrets/";
/** The last TOTP step a user logged in with: a code is accepted once. */
export const OTP_USED_PREFIX = "/otp_used/";

export const userKey = (name: string): string => `${USERS_PREFIX}${name}`;
export const passwordKey = (name: string): string => `${PASSWORDS_PREFIX}${name}`;
export const attemptsKey = (name: string): string => `${ATTEMPTS_PREFIX}${name}`;
export const otpSecretKey = (name: string): string => `${OTP_SECRETS_PREFIX}${name}`;
export const otpUsedKey = (name: string): string => `${OTP_USED_PREFIX}${name}`;
export const inviteKey = (tokenHash: string): string => `${INVITES_PREFIX}${tokenHash}`;
