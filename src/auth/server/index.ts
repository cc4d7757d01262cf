// The auth server: state on first start, the mutual-TLS API, and its options from teleport.yaml.
export {
  auditLogDir,
  authServerOptions,
  startAuthServer,
  type AuthServer,
  type AuthServerOptions,
  type LocalHostIdentityRequest,
} from "./server.js";
export type { HostIdentityResponse } from "./routes/join.js";
export { ADMIN_IDENTITY_FILE, ADMIN_IDENTITY_TTL_MS, adminIdentityPath } from "./admin-identity.js";
export { BACKEND_FILE, type AuthState } from "./state.js";
export { HOST_UUID_FILE } from "./host-uuid.js";
export { CLUSTER_CAS_KEY } from "./cluster.js";
export { EVENT_UID_TTL_MS, EVENT_UIDS_PREFIX } from "./event-ingest.js";
export { NODE_TTL_MS, NODES_PREFIX } from "./inventory.js";
export { MAX_RECORDING_FILE_BYTES } from "./recording-store.js";
export { ApiError, AuthStartError, ClusterNameMismatchError } from "./errors.js";
