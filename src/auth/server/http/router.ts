// A small router: a route is a spec from the shared route table, who may call it, and a handler
// that returns the JSON body of a 200, or a StreamBody for a file (or throws an ApiError).
import type { IncomingMessage, ServerResponse } from "node:http";
import { RouteMatcher, type RouteSpec } from "../../api/index.js";
import type { Access, Caller } from "../authz.js";
import { badRequest } from "../errors.js";

export interface RequestContext {
  req: IncomingMessage;
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  caller: Caller;
  /** The client's IP address as the socket saw it. */
  remoteAddr: string;
}

export interface Route {
  spec: RouteSpec;
  access: Access;
  handle(context: RequestContext): Promise<object>;
}

/** The route of a request, by its method and path (see RouteMatcher). */
export class Router extends RouteMatcher<Route> {
  constructor(routes: readonly Route[]) {
    super(routes, { specOf: (route) => route.spec, badPath: badRequest });
  }
}

export function sendJson(res: ServerResponse, status: number, body: object): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
  });
  res.end(text);
}
