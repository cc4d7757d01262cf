// The auth API client: typed calls, identities from identity files, typed errors.
export { AuthClient, type AuthClientOptions } from "./client.js";
export { loadIdentityFile, type ClientIdentity, type LoadedIdentity } from "./identity.js";
export { splitAddr } from "./transport.js";
export {
  AuthApiError,
  AuthClientError,
  AuthProtocolError,
  AuthTlsError,
  AuthUnreachableError,
  IdentityLoadError,
} from "./errors.js";
export { discoverCaPin } from "./discover-pin.js";
export { errorCode, unreachableReason } from "./net-errors.js";
export { signIdentityFile } from "./sign-identity.js";
export type { DownloadedRecording } from "./download.js";
