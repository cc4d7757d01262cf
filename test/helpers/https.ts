// HTTPS requests to the proxy's web port as a browser makes them, with the self-signed
// certificate accepted (what tsh --insecure does), and the answer parsed when it is JSON.
import type { IncomingHttpHeaders } from "node:http";
import { request } from "node:https";

export interface HttpsAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: Record<string, unknown>;
}

export interface HttpsCall {
  body?: unknown;
  /** Sent as is (for bodies that are not JSON). */
  raw?: string;
  contentType?: string;
  cookie?: string;
  csrf?: string;
  headers?: Record<string, string>;
  /** The client's own address (any of 127.0.0.0/8 reaches a server on 127.0.0.1). */
  localAddress?: string;
}

export function httpsCall(
  port: number,
  method: string,
  path: string,
  options: HttpsCall = {},
): Promise<HttpsAnswer> {
  const payload =
    options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const headers: Record<string, string> = { ...options.headers };
  if (payload !== undefined) headers["content-type"] ??= options.contentType ?? "application/json";
  if (options.cookie !== undefined) headers["cookie"] = options.cookie;
  if (options.csrf !== undefined) headers["x-csrf-token"] = options.csrf;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method,
        path,
        headers,
        rejectUnauthorized: false,
        agent: false,
        ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("error", reject);
        res.on("end", () => {
          const isJson = String(res.headers["content-type"]).startsWith("application/json");
          const json = isJson ? (JSON.parse(text) as Record<string, unknown>) : {};
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}
