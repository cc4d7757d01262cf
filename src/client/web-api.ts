// The proxy's web API as tsh uses it before it has certificates: /webapi/ping (the cluster's
// name, second factor, SSH proxy address) and /webapi/ssh/certs (password login).
import { request, type RequestOptions } from "node:https";
import { isIP } from "node:net";
import { z } from "zod";
import { formatHostPort, type HostPort } from "./addr.js";
import { ClientError, UnreachableError } from "./errors.js";
import { errorCode, isTlsTrustError, unreachableReason } from "./net-errors.js";

const TIMEOUT_MS = 15_000;

const pingResponse = z.object({
  auth: z
    .object({ second_factor: z.string().optional() })
    .optional()
    .transform((auth) => ({ secondFactor: auth?.second_factor ?? "off" })),
  proxy: z.object({
    ssh: z.object({ listen_addr: z.string().optional(), public_addr: z.string().optional() }),
  }),
  cluster_name: z.string().min(1),
  server_version: z.string().optional(),
});
export type Ping = z.output<typeof pingResponse>;

const certsResponse = z.object({
  ssh_certificate: z.string().min(1),
  tls_certificate: z.string().min(1),
  tls_ca_certificates: z.array(z.string()).min(1),
  ssh_host_ca_lines: z.array(z.string()),
  user: z.string(),
  roles: z.array(z.string()),
  logins: z.array(z.string()),
  valid_before: z.string(),
});
export type CertsResponse = z.output<typeof certsResponse>;

export interface LoginRequest {
  user: string;
  password: string;
  otpToken?: string;
  sshPublicKey: string;
  tlsPublicKey: string;
  ttl?: string;
}

const errorBody = z.object({ error: z.object({ message: z.string() }) });

export interface WebApiOptions {
  proxy: HostPort;
  /** Accept any certificate (a self-signed proxy): for testing only, as in Teleport. */
  insecure: boolean;
}

export class WebApi {
  readonly #options: WebApiOptions;
  readonly #addr: string;

  constructor(options: WebApiOptions) {
    this.#options = options;
    this.#addr = formatHostPort(options.proxy);
  }

  ping(): Promise<Ping> {
    return this.#call("GET", "/webapi/ping", pingResponse);
  }

  login(body: LoginRequest): Promise<CertsResponse> {
    return this.#call("POST", "/webapi/ssh/certs", certsResponse, {
      user: body.user,
      password: body.password,
      ...(body.otpToken === undefined ? {} : { otp_token: body.otpToken }),
      ssh_public_key: body.sshPublicKey,
      tls_public_key: body.tlsPublicKey,
      ...(body.ttl === undefined ? {} : { ttl: body.ttl }),
    });
  }

  #failure(error: unknown): Error {
    if (isTlsTrustError(error)) {
      return new ClientError(
        `the proxy's certificate at ${this.#addr} is not trusted (${errorCode(error)}): use ` +
          "--insecure only for testing, or give the proxy a trusted certificate " +
          "(proxy_service.https_keypairs)",
        { cause: error },
      );
    }
    const reason =
      errorCode(error) === "ERR_TIMEOUT"
        ? `no answer within ${TIMEOUT_MS / 1000} s`
        : (unreachableReason(error) ?? (error instanceof Error ? error.message : String(error)));
    return new UnreachableError("the proxy", this.#addr, reason, { cause: error });
  }

  async #call<S extends z.ZodType>(
    method: "GET" | "POST",
    path: string,
    schema: S,
    body?: unknown,
  ): Promise<z.output<S>> {
    const { status, text } = await this.#send(method, path, body);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ClientError(
        `${method} ${path}: the answer of ${this.#addr} (HTTP ${status}) is not JSON: ` +
          "is it the web address of a Teleport proxy?",
      );
    }
    if (status < 200 || status > 299) {
      const problem = errorBody.safeParse(json);
      throw new ClientError(
        problem.success
          ? problem.data.error.message
          : `${method} ${path}: HTTP ${status} from ${this.#addr}`,
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new ClientError(
        `${method} ${path}: unexpected answer from ${this.#addr}: ${parsed.error.issues
          .map((issue) => `${issue.path.join(".")}: ${issue.message}`)
          .join("; ")}`,
      );
    }
    return parsed.data;
  }

  #send(method: string, path: string, body: unknown): Promise<{ status: number; text: string }> {
    const { host, port } = this.#options.proxy;
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const options: RequestOptions = {
      host,
      port,
      method,
      path,
      // Certificates name hosts, not addresses: SNI only for names (as browsers do).
      ...(isIP(host) === 0 ? { servername: host } : {}),
      rejectUnauthorized: !this.#options.insecure,
      minVersion: "TLSv1.2",
      headers: {
        accept: "application/json",
        ...(payload === undefined
          ? {}
          : { "content-type": "application/json", "content-length": payload.length }),
      },
      agent: false,
    };
    return new Promise((resolve, reject) => {
      const req = request(options, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", (error) => reject(this.#failure(error)));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
        );
      });
      req.setTimeout(TIMEOUT_MS, () => {
        req.destroy(Object.assign(new Error("timed out"), { code: "ERR_TIMEOUT" }));
      });
      req.on("error", (error) => reject(this.#failure(error)));
      req.end(payload);
    });
  }
}
