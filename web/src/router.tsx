// A tiny router over the history API: the app's routes under /web (the proxy answers every
// /web/… path with index.html), a hook for the current location, and links that navigate
// without reloading the page.
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from "react";

export const BASE = "/web";

export type Route =
  | { name: "home" }
  | { name: "login" }
  | { name: "audit" }
  | { name: "recordings" }
  | { name: "recording"; sid: string }
  | { name: "nodes" }
  | { name: "invite"; token: string; kind: "invite" | "reset" }
  | { name: "not-found" };

const patterns: readonly [RegExp, (match: RegExpExecArray) => Route][] = [
  [/^\/?$/, () => ({ name: "home" })],
  [/^\/login\/?$/, () => ({ name: "login" })],
  [/^\/audit\/?$/, () => ({ name: "audit" })],
  [/^\/recordings\/?$/, () => ({ name: "recordings" })],
  [
    /^\/recordings\/([^/]+)\/?$/,
    (m) => ({ name: "recording", sid: decodeURIComponent(m[1] ?? "") }),
  ],
  [/^\/nodes\/?$/, () => ({ name: "nodes" })],
  [
    /^\/(invite|reset)\/([^/]+)\/?$/,
    (m) => ({
      name: "invite",
      kind: m[1] === "reset" ? "reset" : "invite",
      token: decodeURIComponent(m[2] ?? ""),
    }),
  ],
];

/** The route of a path (with or without the /web prefix). */
export function matchRoute(pathname: string): Route {
  const inner = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  for (const [pattern, route] of patterns) {
    const match = pattern.exec(inner);
    if (match) {
      try {
        return route(match);
      } catch {
        // A malformed %-escape in the address: nothing this app serves.
        return { name: "not-found" };
      }
    }
  }
  return { name: "not-found" };
}

/** The login page, returning to `next` (a path of this app) afterwards. */
export function loginPath(next?: string): string {
  const login = `${BASE}/login`;
  if (next === undefined || next.startsWith(login)) return login;
  return `${login}?${new URLSearchParams({ next }).toString()}`;
}

/** `next` when it is a path of this app (never another site), else the app's home. */
export function safeNext(next: string | null): string {
  if (next !== null && next.startsWith(`${BASE}/`) && !next.startsWith("//")) return next;
  return `${BASE}/`;
}

const NAVIGATE_EVENT = "app:navigate";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("popstate", onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener("popstate", onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

const snapshot = (): string => `${window.location.pathname}${window.location.search}`;

/** The current path and query string; re-renders on every navigation. */
export function useLocation(): { pathname: string; search: URLSearchParams; href: string } {
  const href = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(href, window.location.origin);
  return { pathname: url.pathname, search: url.searchParams, href };
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (options.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string };

/** An <a> that navigates inside the app; modified clicks (new tab…) stay the browser's. */
export function Link({ to, onClick, ...rest }: LinkProps) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey
    ) {
      return;
    }
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handle} {...rest} />;
}
