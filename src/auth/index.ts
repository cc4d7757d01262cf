// The auth part's public face: the auth server, its client and their shared contract, plus what
// the CLIs print and read (identity files, token and invite formats, durations).
export * from "./api/index.js";
export * from "./client/index.js";
export * from "./server/index.js";
export {
  caPin,
  formatIdentityFile,
  formatOpensshPrivateKey,
  generateSshKeyPair,
  parseIdentityFile,
  selfSignedP256Certificate,
  type IdentityFile,
  type ParsedIdentityFile,
  type SshKeyPair,
} from "./ca/index.js";
export {
  alignedTable,
  displayRoles,
  formatLabels,
  formatGoDuration,
  formatHumanDuration,
  formatNodesAdd,
  formatRfc822,
  formatTokensTable,
  isTokenRole,
  parseGoDuration,
  DurationError,
  type JoinToken,
  type TokenRole,
} from "./tokens/index.js";
export { formatInvite, type InviteResult, type User } from "./users/index.js";
