// Join tokens: tctl nodes add / tokens add|ls|rm, and the check a joining server goes through.
export {
  TokenService,
  type AddedToken,
  type AddTokenRequest,
  type JoinToken,
  type TokenServiceOptions,
} from "./service.js";
export {
  JoinTokenError,
  StaticTokenError,
  StoredTokenError,
  TokenExistsError,
  TokenExpiredError,
  TokenInputError,
  TokenNotFoundError,
  TokenRemoveError,
  TokenRevokedError,
  TokenRoleError,
  TokenUsedError,
} from "./errors.js";
export { TOKEN_ROLES, displayRoles, isTokenRole, type TokenRole } from "./roles.js";
export { formatNodesAdd, type NodesAddOutput } from "./nodes-add.js";
export { alignedTable, formatLabels, formatRfc822, formatTokensTable } from "./table.js";
export {
  DurationError,
  formatGoDuration,
  formatHumanDuration,
  formatShortDuration,
  parseGoDuration,
} from "./duration.js";
export { TOKENS_PREFIX, tokenKey } from "./secret.js";
