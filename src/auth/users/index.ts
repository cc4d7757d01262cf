// Local users: accounts, invite links, passwords (scrypt), login lockout and TOTP.
export {
  UserService,
  type AddUserRequest,
  type InviteInfo,
  type InviteResult,
  type LoginResult,
  type RoleLookup,
  type UserLoginEvent,
  type UserServiceOptions,
} from "./service.js";
export { usersWithRole, type User } from "./records.js";
export { formatInvite } from "./format.js";
export { DEFAULT_LOCKOUT, type LockoutPolicy } from "./lockout.js";
export { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, checkPasswordPolicy } from "./password.js";
export type { InviteKind } from "./invites.js";
export {
  InvalidCredentialsError,
  InvalidOtpError,
  InviteExpiredError,
  InviteNotFoundError,
  InviteOtpSecretMissingError,
  LoginError,
  OtpNotEnrolledError,
  OtpRequiredError,
  PasswordPolicyError,
  StoredUserError,
  UnknownRoleError,
  UserExistsError,
  UserInputError,
  UserLockedError,
  UserNotFoundError,
} from "./errors.js";
export { ATTEMPTS_PREFIX, INVITES_PREFIX, PASSWORDS_PREFIX, USERS_PREFIX } from "./keys.js";
