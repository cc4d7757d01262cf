// The web UI's files (web/dist, built by Vite) under /web: a file that exists is sent as it is,
// any other path gets index.html, which routes in the browser (/web/audit, /web/invite/TOKEN…).
// Hashed files under /web/assets/ never change, so browsers keep them; index.html is checked
// every time, so a new build is picked up at the next load. "/" sends the browser to /web/.
//
// Every answer carries a CSP that allows only this origin's scripts, styles and API (styles may
// be inline: the terminal sets them), no framing and no form posting elsewhere; index.html comes
// with the invite token in its URL, so no Referer header may leave either.
import { createReadStream } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, sep } from "node:path";
import { performance } from "node:perf_hooks";
import { pipeline } from "node:stream/promises";
import { logRequest, type Logger } from "../../log/index.js";

export const UI_CSP = [
  "default-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join("; ");

const SECURITY_HEADERS = {
  "content-security-policy": UI_CSP,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

const IMMUTABLE = "public, max-age=31536000, immutable";
const NOT_BUILT = "the web UI is not built: run npm run build:web";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".wasm": "application/wasm",
};

/** True for the paths this module answers: "/", "/web" and everything under "/web/". */
export function isUiPath(pathname: string): boolean {
  return pathname === "/" || pathname === "/web" || pathname.startsWith("/web/");
}

type Answer = { status: number; headers: Record<string, string>; body?: string; file?: string };

function text(status: number, body: string, headers: Record<string, string> = {}): Answer {
  return {
    status,
    headers: {
      ...headers,
      "content-type": "text/plain; charset=utf-8",
      "cache-control": "no-store",
    },
    body: `${body}\n`,
  };
}

/**
 * The decoded path segments under /web/, or undefined when one could climb out of the folder or
 * is not valid URL encoding ("..", "%2e%2e", "..%2f", a backslash, a NUL byte).
 */
function segmentsOf(pathname: string): string[] | undefined {
  const rest = pathname === "/web" ? "" : pathname.slice("/web/".length);
  const raw = rest === "" ? [] : rest.split("/");
  if (raw.at(-1) === "") raw.pop();
  const segments: string[] = [];
  for (const segment of raw) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return undefined;
    }
    if (decoded === "" || decoded === "." || decoded === "..") return undefined;
    if (/[/\\\0]/.test(decoded)) return undefined;
    segments.push(decoded);
  }
  return segments;
}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : undefined;
  } catch (error) {
    const code = error instanceof Error && "code" in error ? error.code : undefined;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw error;
  }
}

/** `path` when it is a file inside `root` once links are followed, else undefined. */
async function fileInside(root: string, path: string): Promise<string | undefined> {
  if ((await fileSize(path)) === undefined) return undefined;
  const [realRoot, realPath] = await Promise.all([realpath(root), realpath(path)]);
  return realPath.startsWith(`${realRoot}${sep}`) ? realPath : undefined;
}

async function answerFor(dir: string, method: string, pathname: string): Promise<Answer> {
  if (method !== "GET" && method !== "HEAD") {
    return text(405, `${pathname} accepts GET, HEAD`, { allow: "GET, HEAD" });
  }
  if (pathname === "/") return text(302, "/web/", { location: "/web/" });
  const index = join(dir, "index.html");
  if ((await fileSize(index)) === undefined) return text(503, NOT_BUILT);
  const segments = segmentsOf(pathname);
  if (segments === undefined) return text(400, `the path ${pathname} is not allowed`);
  const found = segments.length === 0 ? undefined : await fileInside(dir, join(dir, ...segments));
  if (found !== undefined) {
    const isAsset = segments[0] === "assets" && segments.length > 1;
    const type = CONTENT_TYPES[extname(found).toLowerCase()] ?? "application/octet-stream";
    return {
      status: 200,
      headers: { "content-type": type, "cache-control": isAsset ? IMMUTABLE : "no-cache" },
      file: found,
    };
  }
  // A missing hashed file is an old page asking for a replaced build: not the app's HTML.
  if (segments[0] === "assets") return text(404, `no such file: ${pathname}`);
  return {
    status: 200,
    headers: { "content-type": CONTENT_TYPES[".html"] ?? "", "cache-control": "no-cache" },
    file: index,
  };
}

async function send(res: ServerResponse, method: string, answer: Answer): Promise<void> {
  const headers = { ...SECURITY_HEADERS, ...answer.headers };
  if (answer.file === undefined) {
    const body = answer.body ?? "";
    res.writeHead(answer.status, { ...headers, "content-length": Buffer.byteLength(body) });
    res.end(method === "HEAD" ? undefined : body);
    return;
  }
  const size = (await stat(answer.file)).size;
  res.writeHead(answer.status, { ...headers, "content-length": size });
  if (method === "HEAD") {
    res.end();
    return;
  }
  await pipeline(createReadStream(answer.file), res);
}

/** Serves the UI built into `dir` (normally web/dist); the folder is looked at per request. */
export function uiSite(dir: string, logger: Logger) {
  return async (req: IncomingMessage, res: ServerResponse, remoteAddr: string): Promise<void> => {
    const started = performance.now();
    const method = req.method ?? "GET";
    const pathname = new URL(req.url ?? "/", "https://proxy.invalid").pathname;
    let status = 500;
    try {
      const answer = await answerFor(dir, method, pathname);
      status = answer.status;
      await send(res, method, answer);
    } catch (error) {
      status = 500;
      const code = error instanceof Error && "code" in error ? error.code : undefined;
      // A browser that went away mid-file: nothing failed here.
      if (res.destroyed && code === "ERR_STREAM_PREMATURE_CLOSE") return;
      logger.error({ err: error, path: pathname }, "Web UI request failed.");
      if (res.headersSent) res.destroy();
      else
        await send(res, method, text(500, "internal error of the proxy: its log has the details"));
    } finally {
      logRequest(logger, "Web UI request", started, {
        route: `${method} /web/*`,
        status,
        remote: remoteAddr,
      });
    }
  };
}
