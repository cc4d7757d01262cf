// A small router: a route is a spec from the shared route table, who may call it, and a handler
// that returns the JSON body of a 200, or a StreamBody for a file (or throws an ApiError).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RouteSpec } from "../../api/index.js";
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

interface Compiled {
  route: Route;
  pattern: RegExp;
  names: string[];
}

export type Match =
  | { kind: "route"; route: Route; params: Record<string, string> }
  | { kind: "wrong-method"; allowed: string[] }
  | { kind: "none" };

function compile(route: Route): Compiled {
  const names: string[] = [];
  const source = route.spec.path
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

export class Router {
  readonly #routes: Compiled[];

  constructor(routes: readonly Route[]) {
    this.#routes = routes.map(compile);
  }

  match(method: string, pathname: string): Match {
    const allowed: string[] = [];
    for (const { route, pattern, names } of this.#routes) {
      const found = pattern.exec(pathname);
      if (found === null) continue;
      if (route.spec.method !== method) {
        allowed.push(route.spec.method);
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

export function sendJson(res: ServerResponse, status: number, body: object): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
  });
  res.end(text);
}
