// The proxy's HTTPS server on web_listen_addr: the web API under /webapi (logins for tsh and the
// browser, the cluster's nodes, audit events and recordings as the logged-in user may see them,
// invite links) and the web UI under /web (static files built into web/dist).
import { join } from "node:path";
import { repoRoot } from "../../paths.js";
import { RoleCache } from "../../ssh/index.js";
import type { ProxyContext } from "../context.js";
import { webApp } from "./app.js";
import { exportRoutes } from "./handlers/export.js";
import { inviteRoutes } from "./handlers/invites.js";
import { pingRoutes } from "./handlers/ping.js";
import { recordingRoutes } from "./handlers/recordings.js";
import { siteRoutes } from "./handlers/site.js";
import { sshCertsRoutes } from "./handlers/ssh-certs.js";
import { webSessionRoutes } from "./handlers/web-sessions.js";
import { WebRouter } from "./router.js";
import { startWebServer, type WebServer } from "./server.js";
import { WebSessionStore } from "./sessions.js";
import { isUiPath, uiSite } from "./static.js";

export type { WebServer } from "./server.js";

/** How long role definitions read for the UI's acl are reused. */
const ROLE_TTL_MS = 10_000;

export interface WebOptions {
  keyPem: string;
  certPem: string;
  /** The SSH proxy's address as clients should dial it. */
  sshPublicAddr: string;
}

export function createWebServer(context: ProxyContext, options: WebOptions): WebServer {
  const sessions = new WebSessionStore();
  const roles = new RoleCache(context.auth, ROLE_TTL_MS);
  const router = new WebRouter([
    ...pingRoutes(context, options.sshPublicAddr),
    ...sshCertsRoutes(context),
    ...webSessionRoutes(context, sessions, roles),
    ...siteRoutes(context),
    ...exportRoutes(context),
    ...recordingRoutes(context),
    ...inviteRoutes(context),
  ]);
  const api = webApp({ router, sessions, logger: context.logger });
  const ui = uiSite(join(repoRoot(), "web", "dist"), context.logger);
  return startWebServer({
    keyPem: options.keyPem,
    certPem: options.certPem,
    handle: (req, res, remoteAddr) => {
      const pathname = new URL(req.url ?? "/", "https://proxy.invalid").pathname;
      return isUiPath(pathname) ? ui(req, res, remoteAddr) : api(req, res, remoteAddr);
    },
    onClose: () => sessions.close(),
  });
}
