// The SSH node: joining the cluster, certificate logins, recorded sessions.
export {
  startNodeService,
  HEARTBEAT_INTERVAL_MS,
  type NodeService,
  type NodeServiceOptions,
} from "./service.js";
export {
  loadNodeIdentity,
  identityDir,
  type NodeIdentity,
  type NodeIdentityProvider,
} from "./identity.js";
export { NodeError, NodeIdentityError, NodeJoinError, UnknownLoginError } from "./errors.js";
