// The proxy's SSH port: certificate logins, then a byte stream to the node the user asks for.
export { startSshProxy, type SshProxy, type SshProxyOptions } from "./server.js";
export { parseProxySubsystem, resolveTarget, type TargetRequest } from "./target.js";
