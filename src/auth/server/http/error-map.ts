// Domain errors of users, roles, tokens and the audit log → HTTP answers. Their messages are
// written for the person at the other end and carry no secrets, so they are passed on as they
// are; anything not listed here is a 500 whose details stay in the server's log.
import { AuditLogCursorError, AuditLogQueryError } from "../../../events/index.js";
import {
  RoleInUseError,
  RoleNotFoundError,
  RoleValidationError,
  StoredRoleError,
} from "../../roles/index.js";
import {
  DurationError,
  JoinTokenError,
  StaticTokenError,
  StoredTokenError,
  TokenExistsError,
  TokenInputError,
  TokenRemoveError,
} from "../../tokens/index.js";
import {
  InvalidCredentialsError,
  InvalidOtpError,
  InviteExpiredError,
  InviteOtpSecretMissingError,
  OtpNotEnrolledError,
  OtpRequiredError,
  InviteNotFoundError,
  PasswordPolicyError,
  StoredUserError,
  UnknownRoleError,
  UserExistsError,
  UserInputError,
  UserLockedError,
  UserNotFoundError,
} from "../../users/index.js";
import { ApiError } from "../errors.js";

type ErrorClass = abstract new (...args: never[]) => Error;

const TABLE: readonly [ErrorClass, number, string][] = [
  [InvalidCredentialsError, 401, "invalid_credentials"],
  [UserLockedError, 429, "user_locked"],
  // Second-factor refusals have codes of their own, so a client knows to ask for a code.
  [OtpRequiredError, 401, "otp_required"],
  [OtpNotEnrolledError, 401, "otp_not_enrolled"],
  [InvalidOtpError, 401, "invalid_otp"],
  [InviteOtpSecretMissingError, 400, "otp_secret_missing"],
  [InviteExpiredError, 410, "invite_expired"],
  [InviteNotFoundError, 404, "invite_not_found"],
  [PasswordPolicyError, 400, "password_policy"],
  [UserInputError, 400, "bad_request"],
  [UnknownRoleError, 400, "unknown_role"],
  [UserExistsError, 409, "user_exists"],
  [UserNotFoundError, 404, "user_not_found"],
  [RoleValidationError, 400, "invalid_role"],
  [RoleNotFoundError, 404, "role_not_found"],
  [RoleInUseError, 409, "role_in_use"],
  [TokenInputError, 400, "bad_request"],
  [DurationError, 400, "bad_request"],
  [TokenExistsError, 409, "token_exists"],
  [TokenRemoveError, 404, "token_not_found"],
  [StaticTokenError, 409, "static_token"],
  [AuditLogQueryError, 400, "bad_request"],
  [AuditLogCursorError, 400, "bad_cursor"],
  [StoredUserError, 500, "stored_data_damaged"],
  [StoredRoleError, 500, "stored_data_damaged"],
  [StoredTokenError, 500, "stored_data_damaged"],
];

/** The answer for `error`, or undefined when it is unexpected (a 500 without details). */
export function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (!(error instanceof Error)) return undefined;
  // An expired token is gone for good (410); every other refusal of a token is a 403.
  if (error instanceof JoinTokenError) {
    return error.reason === "expired"
      ? new ApiError(410, "token_expired", error.message)
      : new ApiError(403, `token_${error.reason.replace("-", "_")}`, error.message);
  }
  for (const [type, status, code] of TABLE) {
    if (error instanceof type) return new ApiError(status, code, error.message);
  }
  return undefined;
}
