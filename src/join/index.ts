// Joining the cluster as a node or a proxy, and the host identity kept from it.
export {
  identityDir,
  loadHostIdentity,
  obtainHostIdentity,
  type HostIdentity,
  type HostIdentityProvider,
  type HostRole,
  type JoinParams,
} from "./host-identity.js";
export { HostIdentityError, JoinError } from "./errors.js";
