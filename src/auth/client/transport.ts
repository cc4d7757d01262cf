// One HTTPS request to the auth server over a connection this module makes and checks first:
// with an identity (mutual TLS, the server checked against the identity's CA), with a CA file,
// or, for a join, by CA pin. Nothing of the request is sent before the server is trusted.
import { request as httpRequest, type IncomingMessage } from "node:http";
import { X509Certificate } from "node:crypto";
import type { Duplex, Readable } from "node:stream";
import { connect, type ConnectionOptions, type TLSSocket } from "node:tls";
import type { z } from "zod";
import { AUTH_SERVER_NAME, errorBody, type RouteSpec } from "../api/index.js";
import {
  AuthApiError,
  AuthClientError,
  AuthProtocolError,
  AuthTlsError,
  AuthUnreachableError,
} from "./errors.js";
import type { ClientIdentity } from "./identity.js";
import { errorCode, unreachableReason } from "./net-errors.js";
import { checkAuthServerLeaf, checkPinnedServer } from "./pin.js";

export interface TransportOptions {
  /** "host:port" or "[v6]:port". */
  addr: string;
  identity?: ClientIdentity;
  /** "sha256:<hex>" pins of the cluster's CA (a joining node's teleport.ca_pin). */
  caPin?: string | readonly string[];
  /** Trusted CA certificates, PEM, when there is no identity yet. */
  caPems?: readonly string[];
  /** Per request; default 30 s. */
  timeoutMs?: number;
}

export type RequestBody = { json: unknown } | { raw: Buffer | Readable };

const DEFAULT_TIMEOUT_MS = 30_000;

export function splitAddr(addr: string): { host: string; port: number } {
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(addr) ?? /^([^:]+):(\d+)$/.exec(addr);
  const port = Number(match?.[2]);
  if (match?.[1] === undefined || !(port >= 1 && port <= 65535)) {
    throw new AuthClientError(
      `auth server address "${addr}" is not host:port (e.g. 127.0.0.1:3025)`,
    );
  }
  return { host: match[1], port };
}

const TLS_TRUST_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "CERT_SIGNATURE_FAILURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_HAS_EXPIRED",
]);

/** A low-level failure as the typed error a caller can act on. */
function describeFailure(addr: string, error: unknown, timeoutMs: number): Error {
  if (error instanceof AuthClientError) return error;
  const code = errorCode(error);
  const reason = unreachableReason(error);
  if (reason !== undefined) return new AuthUnreachableError(addr, reason, { cause: error });
  if (TLS_TRUST_CODES.has(code)) {
    return new AuthTlsError(
      `the server at ${addr} is not trusted (${code}): it did not present a certificate of this ` +
        "cluster's CA; check that the address is this cluster's auth server",
      { cause: error },
    );
  }
  if (code === "ERR_TIMEOUT") {
    return new AuthUnreachableError(addr, `no answer within ${timeoutMs / 1000} s`, {
      cause: error,
    });
  }
  const why = error instanceof Error ? error.message : String(error);
  return new AuthUnreachableError(addr, why, { cause: error });
}

function pinsOf(pin: string | readonly string[] | undefined): readonly string[] {
  if (pin === undefined) return [];
  return typeof pin === "string" ? [pin] : pin;
}

export class Transport {
  readonly addr: string;
  readonly #host: string;
  readonly #port: number;
  readonly #options: TransportOptions;
  readonly #timeoutMs: number;

  constructor(options: TransportOptions) {
    this.addr = options.addr;
    const { host, port } = splitAddr(options.addr);
    this.#host = host;
    this.#port = port;
    this.#options = options;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const trust = options.identity?.caPems ?? options.caPems ?? [];
    if (trust.length === 0 && pinsOf(options.caPin).length === 0) {
      // Trusting whatever answers first would hand a join token to anyone on the path.
      throw new AuthClientError(
        "no way to check the auth server: give its CA pin (teleport.ca_pin, printed by tctl status) or the CA certificate",
      );
    }
  }

  /** A connection to the server, trusted before it is handed over. */
  #connect(done: (error: Error | null, socket: Duplex) => void): void {
    const identity = this.#options.identity;
    const trust = identity?.caPems ?? this.#options.caPems ?? [];
    const base: ConnectionOptions = {
      host: this.#host,
      port: this.#port,
      servername: AUTH_SERVER_NAME,
      minVersion: "TLSv1.2",
      ...(identity === undefined ? {} : { key: identity.keyPem, cert: identity.certPem }),
    };
    let socket: TLSSocket;
    if (trust.length > 0) {
      socket = connect({ ...base, ca: [...trust], rejectUnauthorized: true });
      socket.once("secureConnect", () => {
        // Node and proxy certificates come from the same CA: the name alone is not enough.
        const raw = socket.getPeerCertificate().raw as Buffer | undefined;
        const problem =
          raw === undefined
            ? "the server sent no certificate"
            : checkAuthServerLeaf(new X509Certificate(raw));
        if (problem === undefined) {
          done(null, socket);
          return;
        }
        socket.destroy();
        done(new AuthTlsError(`the server at ${this.addr} is not trusted: ${problem}`), socket);
      });
    } else {
      // Verified by pin below instead of by a CA the client does not have yet.
      socket = connect({ ...base, rejectUnauthorized: false });
      socket.once("secureConnect", () => {
        const problem = checkPinnedServer(socket, pinsOf(this.#options.caPin), new Date());
        if (problem === undefined) {
          done(null, socket);
          return;
        }
        socket.destroy();
        done(new AuthTlsError(`the server at ${this.addr} is not trusted: ${problem}`), socket);
      });
    }
    socket.setTimeout(this.#timeoutMs, () => {
      socket.destroy(Object.assign(new Error("timed out"), { code: "ERR_TIMEOUT" }));
    });
    socket.once("error", (error) => done(error, socket));
  }

  /** Sends one request; returns the parsed, validated body of a 200, or throws. */
  async call<S extends z.ZodType>(
    spec: RouteSpec,
    path: string,
    schema: S,
    body?: RequestBody,
  ): Promise<z.output<S>> {
    const { status, text } = await this.#send(spec, path, body);
    if (status < 200 || status > 299) throw this.#failure(spec, status, text);
    const json = this.#parseJson(spec, status, text);
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new AuthProtocolError(
        `${spec.method} ${spec.path}: unexpected answer from ${this.addr}: ${parsed.error.issues
          .map((issue) => `${issue.path.join(".")}: ${issue.message}`)
          .join("; ")}`,
      );
    }
    return parsed.data;
  }

  /**
   * Sends one request whose answer is a file: its body as a stream, to be read to the end (or
   * destroyed) by the caller. An error answer throws as in call().
   */
  async stream(spec: RouteSpec, path: string): Promise<Readable> {
    const res = await this.#open(spec, path, undefined);
    const status = res.statusCode ?? 0;
    if (status >= 200 && status <= 299) return res;
    throw this.#failure(spec, status, await this.#readText(res));
  }

  #parseJson(spec: RouteSpec, status: number, text: string): unknown {
    try {
      return text === "" ? {} : JSON.parse(text);
    } catch {
      throw new AuthProtocolError(
        `${spec.method} ${spec.path}: the answer (HTTP ${status}) is not JSON: is ${this.addr} an auth server?`,
      );
    }
  }

  /** The error an answer other than 2xx means. */
  #failure(spec: RouteSpec, status: number, text: string): Error {
    const parsed = errorBody.safeParse(this.#parseJson(spec, status, text));
    if (parsed.success) {
      return new AuthApiError(status, parsed.data.error.code, parsed.data.error.message);
    }
    return new AuthApiError(
      status,
      `http_${status}`,
      `HTTP ${status} from ${this.addr}: ${text.slice(0, 200)}`,
    );
  }

  async #readText(res: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of res) chunks.push(chunk as Buffer);
    } catch (error) {
      throw describeFailure(this.addr, error, this.#timeoutMs);
    }
    return Buffer.concat(chunks).toString("utf8");
  }

  async #send(
    spec: RouteSpec,
    path: string,
    body: RequestBody | undefined,
  ): Promise<{ status: number; text: string }> {
    const res = await this.#open(spec, path, body);
    return { status: res.statusCode ?? 0, text: await this.#readText(res) };
  }

  /** Sends one request; resolves with the answer once its head has arrived. */
  #open(spec: RouteSpec, path: string, body: RequestBody | undefined): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (error: unknown): void => {
        if (settled) return;
        settled = true;
        reject(describeFailure(this.addr, error, this.#timeoutMs));
      };
      const payload =
        body !== undefined && "json" in body ? Buffer.from(JSON.stringify(body.json)) : undefined;
      const headers: Record<string, string | number> = { accept: "application/json" };
      if (payload !== undefined) {
        headers["content-type"] = "application/json";
        headers["content-length"] = payload.length;
      } else if (body !== undefined && "raw" in body) {
        headers["content-type"] = "application/octet-stream";
        if (Buffer.isBuffer(body.raw)) headers["content-length"] = body.raw.length;
      }
      const req = httpRequest({
        host: AUTH_SERVER_NAME,
        method: spec.method,
        path,
        headers,
        // No agent: each request uses the connection made (and checked) by #connect.
        createConnection: (_options, done) => {
          this.#connect(done);
          return undefined;
        },
      });
      req.setTimeout(this.#timeoutMs, () => {
        req.destroy(Object.assign(new Error("timed out"), { code: "ERR_TIMEOUT" }));
      });
      req.on("error", fail);
      req.on("response", (res: IncomingMessage) => {
        if (settled) return;
        settled = true;
        resolve(res);
      });
      if (payload !== undefined) req.end(payload);
      else if (body !== undefined && "raw" in body && !Buffer.isBuffer(body.raw)) {
        body.raw.on("error", (error) => req.destroy(error));
        body.raw.pipe(req);
      } else if (body !== undefined && "raw" in body && Buffer.isBuffer(body.raw))
        req.end(body.raw);
      else req.end();
    });
  }
}
