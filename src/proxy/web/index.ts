// The proxy's web API on web_listen_addr (HTTPS): logins for tsh (/webapi/ssh/certs) and the
// browser (/webapi/sessions/web, cookie + CSRF token), and the cluster's nodes, audit events and
// recordings as the logged-in user may see them, and invite links (set a password, enroll TOTP).
// /web is left to the web UI, but for the page invite links open.
import type { ProxyContext } from "../context.js";
import { webApp } from "./app.js";
import { inviteRoutes } from "./handlers/invites.js";
import { pingRoutes } from "./handlers/ping.js";
import { recordingRoutes } from "./handlers/recordings.js";
import { siteRoutes } from "./handlers/site.js";
import { sshCertsRoutes } from "./handlers/ssh-certs.js";
import { webSessionRoutes } from "./handlers/web-sessions.js";
import { invitePageRoutes } from "./pages/index.js";
import { WebRouter } from "./router.js";
import { startWebServer, type WebServer } from "./server.js";
import { WebSessionStore } from "./sessions.js";

export type { WebServer } from "./server.js";

export interface WebOptions {
  keyPem: string;
  certPem: string;
  /** The SSH proxy's address as clients should dial it. */
  sshPublicAddr: string;
}

export function createWebServer(context: ProxyContext, options: WebOptions): WebServer {
  const sessions = new WebSessionStore();
  const router = new WebRouter([
    ...pingRoutes(context, options.sshPublicAddr),
    ...sshCertsRoutes(context),
    ...webSessionRoutes(context, sessions),
    ...siteRoutes(context),
    ...recordingRoutes(context),
    ...inviteRoutes(context),
    ...invitePageRoutes(),
  ]);
  return startWebServer({
    keyPem: options.keyPem,
    certPem: options.certPem,
    handle: webApp({ router, sessions, logger: context.logger }),
    onClose: () => sessions.close(),
  });
}
