// The Proxy Service: one TLS port (web_listen_addr) for HTTPS and for auth connections of nodes
// joined with proxy_server.
export { readClientHello, type HelloRead } from "./client-hello.js";
export { ProxyConfigError } from "./https-keypair.js";
export { startProxyService, type ProxyService, type ProxyServiceOptions } from "./service.js";
