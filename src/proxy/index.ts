// The Proxy Service: one TLS port (web_listen_addr) for HTTPS and for auth connections of nodes
// joined with proxy_server, and the SSH port (listen_addr) to nodes.
export { readClientHello, type HelloRead } from "./client-hello.js";
export { ProxyConfigError } from "./https-keypair.js";
export { parseProxySubsystem, resolveTarget, type TargetRequest } from "./ssh/index.js";
export { startProxyService, type ProxyService, type ProxyServiceOptions } from "./service.js";
