// The client side of the cluster (what tsh does): the profile under ~/.tsh, the proxy's web API,
// the auth API through the proxy, and SSH to nodes through the proxy.
export {
  DEFAULT_WEB_PORT,
  formatHostPort,
  parseHostPort,
  sshProxyAddr,
  type HostPort,
} from "./addr.js";
export { clusterClient, withCluster } from "./cluster.js";
export {
  assertNotExpired,
  readCredentials,
  type CredentialParts,
  type Credentials,
} from "./credentials.js";
export { ClientError, NotLoggedInError } from "./errors.js";
export {
  connectThroughProxy,
  proxySubsystem,
  type NodeConnection,
  type NodeTarget,
} from "./node-ssh.js";
export { opensshConfig, type OpensshConfigParams } from "./openssh-config.js";
export {
  currentProfileName,
  listProfiles,
  loadProfile,
  profileCredentials,
  removeProfile,
  saveProfile,
  type NewProfile,
  type Profile,
} from "./profile.js";
export { profilePaths, tshHome, type ProfilePaths } from "./profile-paths.js";
export {
  formatRecordingsTable,
  listSessionEnds,
  type SessionEndEvent,
  type SessionEnds,
} from "./recordings.js";
export { NO_EXIT_STATUS, runSession, type SessionOptions } from "./session.js";
export { formatValidUntil } from "./time.js";
export { WebApi } from "./web-api.js";
