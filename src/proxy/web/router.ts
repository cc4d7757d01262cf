// The web API's routes: a method, a path with ":name" parameters, who may call it (anyone, or a
// logged-in web session) and a handler that returns its reply.
import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import { badRequest } from "./errors.js";
import type { WebSession } from "./sessions.js";

export type Reply =
  | { kind: "json"; status: number; body: object; cookie?: string }
  /** A body streamed as it is produced (a recording for a player). */
  | { kind: "stream"; contentType: string; body: Readable };

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

export type Match =
  | { kind: "route"; route: WebRoute; params: Record<string, string> }
  | { kind: "wrong-method"; allowed: string[] }
  | { kind: "none" };

interface Compiled {
  route: WebRoute;
  pattern: RegExp;
  names: string[];
}

function compile(route: WebRoute): Compiled {
  const names: string[] = [];
  const source = route.path
    .split("/")
    .map((segment) => {
      if (!segment.startsWith(":")) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(segment.slice(1));
      return "([^/]+)";
    })
    .join("/");
  return { route, pattern: new RegExp(`^${source}$`), names };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`the path segment "${segment}" is not valid URL encoding`);
  }
}

export class WebRouter {
  readonly #routes: Compiled[];

  constructor(routes: readonly WebRoute[]) {
    this.#routes = routes.map(compile);
  }

  match(method: string, pathname: string): Match {
    const allowed: string[] = [];
    for (const { route, pattern, names } of this.#routes) {
      const found = pattern.exec(pathname);
      if (found === null) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      names.forEach((name, index) => {
        params[name] = decode(found[index + 1] ?? "");
      });
      return { kind: "route", route, params };
    }
    return allowed.length > 0 ? { kind: "wrong-method", allowed } : { kind: "none" };
  }
}
