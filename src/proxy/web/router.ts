// The web API's routes: a method, a path with ":name" parameters, who may call it (anyone, or a
// logged-in web session) and a handler that returns its reply.
import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import { RouteMatcher } from "../../auth/index.js";
import { badRequest } from "./errors.js";
import type { WebSession } from "./sessions.js";

export type Reply =
  | { kind: "json"; status: number; body: object; cookie?: string }
  /** A body streamed as it is produced (a recording for a player, an export of events). */
  | { kind: "stream"; contentType: string; body: Readable; headers?: Record<string, string> };

export interface WebRequest {
  req: IncomingMessage;
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  /** The client's IP address as the proxy's socket saw it. */
  remoteAddr: string;
  /** The request's web session, when its cookie names a live one. */
  session: WebSession | undefined;
}

export interface SessionRequest extends WebRequest {
  session: WebSession;
}

interface RouteBase {
  method: "GET" | "POST" | "DELETE";
  path: string;
}

export type WebRoute =
  | (RouteBase & { access: "public"; handle(request: WebRequest): Promise<Reply> })
  | (RouteBase & { access: "session"; handle(request: SessionRequest): Promise<Reply> });

export function json(body: object, options: { status?: number; cookie?: string } = {}): Reply {
  return {
    kind: "json",
    status: options.status ?? 200,
    body,
    ...(options.cookie === undefined ? {} : { cookie: options.cookie }),
  };
}

/** The route of a request, by its method and path (see RouteMatcher). */
export class WebRouter extends RouteMatcher<WebRoute> {
  constructor(routes: readonly WebRoute[]) {
    super(routes, { specOf: (route) => route, badPath: badRequest });
  }
}
