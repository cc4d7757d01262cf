// What enters through the web API: JSON bodies (size-limited, JSON content type only, checked
// with zod) and query strings (checked with zod). A bad one is a 400 naming the field.
import type { IncomingMessage } from "node:http";
import type { z } from "zod";
import { describeIssues } from "../../auth/index.js";
import { badRequest, WebError } from "./errors.js";

/** Far above a login with two public keys, far below what would hurt. */
export const JSON_BODY_LIMIT = 64 * 1024;

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = new WebError(413, `the request body is larger than ${limit} bytes`);
  if (Number(req.headers["content-length"] ?? "0") > limit) throw tooLarge;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limit) throw tooLarge;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function checked<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badRequest(describeIssues(parsed.error, what));
  return parsed.data;
}

/**
 * The JSON body, validated. Only application/json is accepted: a cross-site HTML form cannot
 * send it, and a cross-site script cannot either without a CORS preflight this API never allows.
 */
export async function jsonBody<S extends z.ZodType>(
  req: IncomingMessage,
  schema: S,
  limit = JSON_BODY_LIMIT,
): Promise<z.output<S>> {
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") {
    throw new WebError(415, "send the request body as JSON (Content-Type: application/json)");
  }
  const raw = await readBody(req, limit);
  let json: unknown;
  try {
    json = JSON.parse(raw.toString("utf8"));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw badRequest(`the request body is not valid JSON: ${why}`);
  }
  return checked(schema, json, "request body");
}

/** The query string, validated; a parameter given twice is refused rather than guessed at. */
export function queryOf<S extends z.ZodType>(query: URLSearchParams, schema: S): z.output<S> {
  const values: Record<string, string> = {};
  for (const [key, value] of query) {
    if (Object.hasOwn(values, key)) throw badRequest(`query parameter "${key}" is given twice`);
    values[key] = value;
  }
  return checked(schema, values, "query");
}
