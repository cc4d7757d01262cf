// One web API request: route it, find its session, check CSRF and access, run the handler and
// send its reply. Every answer is JSON (a player's stream and an export aside), never cached,
// and carries no CORS header, so no other origin can read it.
import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { pipeline } from "node:stream/promises";
import { logRequest, type Logger } from "../../log/index.js";
import { readCookie, SESSION_COOKIE } from "./cookies.js";
import { CSRF_HEADER, csrfMatches, isSafeMethod } from "./csrf.js";
import { fromAuthError, WebError } from "./errors.js";
import type { Reply, WebRouter } from "./router.js";
import type { WebSessionStore } from "./sessions.js";

const COMMON_HEADERS = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
};

function sendJson(
  res: ServerResponse,
  status: number,
  body: object,
  extra: Record<string, string> = {},
): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    ...COMMON_HEADERS,
    ...extra,
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

async function send(res: ServerResponse, reply: Reply): Promise<void> {
  if (reply.kind === "json") {
    sendJson(res, reply.status, reply.body, reply.cookie ? { "set-cookie": reply.cookie } : {});
    return;
  }
  res.writeHead(200, { ...COMMON_HEADERS, ...reply.headers, "content-type": reply.contentType });
  try {
    await pipeline(reply.body, res);
  } catch (error) {
    // The client went away mid-stream (a closed player): nothing failed on this side.
    const code = error instanceof Error && "code" in error ? error.code : undefined;
    if (res.destroyed && code === "ERR_STREAM_PREMATURE_CLOSE") return;
    throw error;
  }
}

export interface WebAppOptions {
  router: WebRouter;
  sessions: WebSessionStore;
  logger: Logger;
}

export function webApp({ router, sessions, logger }: WebAppOptions) {
  return async (req: IncomingMessage, res: ServerResponse, remoteAddr: string): Promise<void> => {
    const started = performance.now();
    const method = req.method ?? "GET";
    let route = `${method} (unknown route)`;
    let status = 500;
    try {
      const url = new URL(req.url ?? "/", "https://proxy.invalid");
      const match = router.match(method, url.pathname);
      if (match.kind === "none") {
        throw new WebError(404, `no such endpoint: ${method} ${url.pathname}`);
      }
      if (match.kind === "wrong-method") {
        throw new WebError(405, `${url.pathname} accepts ${match.allowed.join(", ")}`);
      }
      // The pattern, not the path: logs stay free of ids.
      route = `${match.route.method} ${match.route.path}`;
      const session = sessions.get(readCookie(req.headers.cookie, SESSION_COOKIE));
      if (
        session &&
        !isSafeMethod(method) &&
        !csrfMatches(session.csrfToken, req.headers[CSRF_HEADER])
      ) {
        throw new WebError(
          403,
          `a request with a session cookie must carry the session's CSRF token in the ${CSRF_HEADER} header (GET /webapi/sessions/web returns it)`,
        );
      }
      const request = {
        req,
        params: match.params,
        query: url.searchParams,
        remoteAddr,
        session,
      };
      let reply: Reply;
      if (match.route.access === "public") {
        reply = await match.route.handle(request);
      } else {
        if (session === undefined) {
          throw new WebError(401, "not logged in, or the session has ended: log in again");
        }
        reply = await match.route.handle({ ...request, session });
      }
      status = reply.kind === "json" ? reply.status : 200;
      await send(res, reply);
    } catch (error) {
      const answer = error instanceof WebError ? error : fromAuthError(error);
      status = answer?.status ?? 500;
      if (answer === undefined) logger.error({ err: error, route }, "Web API request failed.");
      if (!res.headersSent) {
        sendJson(res, status, {
          error: {
            message: answer?.message ?? "internal error of the proxy: its log has the details",
          },
        });
      } else {
        res.destroy();
      }
    } finally {
      logRequest(logger, "Web API request", started, { route, status, remote: remoteAddr });
    }
  };
}
