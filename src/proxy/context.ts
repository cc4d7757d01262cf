// What every part of the proxy works from: its host identity (SSH host certificate, the
// cluster's CAs) and a client of the auth API that authenticates as that Proxy identity.
import type { AuthClient } from "../auth/index.js";
import type { HostIdentity } from "../join/index.js";
import type { Logger } from "../log/index.js";

export interface ProxyContext {
  identity: HostIdentity;
  /** The auth API as the Proxy system role (login, node list, events from the proxy). */
  auth: AuthClient;
  /** "host:port" of the auth API, for connections the proxy passes through unopened. */
  authAddr: string;
  clusterName: string;
  logger: Logger;
}
