// The SSH node: joining the cluster, certificate logins, recorded sessions.
export {
  startNodeService,
  HEARTBEAT_INTERVAL_MS,
  type NodeService,
  type NodeServiceOptions,
} from "./service.js";
export { NodeError, UnknownLoginError } from "./errors.js";
