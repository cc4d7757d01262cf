// Finding the route of a request among routes whose paths have ":name" segments: the inverse of
// routePath, shared by the auth API server and the proxy's web API, which write paths alike.

export type RouteMatch<R> =
  | { kind: "route"; route: R; params: Record<string, string> }
  | { kind: "wrong-method"; allowed: string[] }
  | { kind: "none" };

interface RouteMatcherOptions<R> {
  /** The method and ":name" path pattern of a route. */
  specOf(route: R): { method: string; path: string };
  /** The error to throw for a path segment that is not valid URL encoding (the caller's 400). */
  badPath(message: string): Error;
}

interface Compiled<R> {
  route: R;
  method: string;
  pattern: RegExp;
  names: string[];
}

function compile<R>(route: R, spec: { method: string; path: string }): Compiled<R> {
  const names: string[] = [];
  const source = spec.path
    .split("/")
    .map((segment) => {
      if (!segment.startsWith(":")) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(segment.slice(1));
      return "([^/]+)";
    })
    .join("/");
  return { route, method: spec.method, pattern: new RegExp(`^${source}$`), names };
}

export class RouteMatcher<R> {
  readonly #routes: Compiled<R>[];
  readonly #badPath: (message: string) => Error;

  constructor(routes: readonly R[], options: RouteMatcherOptions<R>) {
    this.#routes = routes.map((route) => compile(route, options.specOf(route)));
    this.#badPath = options.badPath;
  }

  /** The first route of `method` whose pattern matches, its parameters URL-decoded. */
  match(method: string, pathname: string): RouteMatch<R> {
    const allowed: string[] = [];
    for (const { route, method: routeMethod, pattern, names } of this.#routes) {
      const found = pattern.exec(pathname);
      if (found === null) continue;
      if (routeMethod !== method) {
        allowed.push(routeMethod);
        continue;
      }
      const params: Record<string, string> = {};
      names.forEach((name, index) => {
        params[name] = this.#decode(found[index + 1] ?? "");
      });
      return { kind: "route", route, params };
    }
    return allowed.length > 0 ? { kind: "wrong-method", allowed } : { kind: "none" };
  }

  #decode(segment: string): string {
    try {
      return decodeURIComponent(segment);
    } catch {
      throw this.#badPath(`the path segment "${segment}" is not valid URL encoding`);
    }
  }
}
