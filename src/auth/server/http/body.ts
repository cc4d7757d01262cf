// Request bodies: read with a size limit, parsed as JSON, checked with the route's zod schema.
import type { IncomingMessage } from "node:http";
import type { z } from "zod";
import { describeIssues } from "../../api/index.js";
import { ApiError, badRequest } from "../errors.js";

/** Default cap of a JSON body: far above any request of ours, far below what hurts. */
export const DEFAULT_JSON_LIMIT = 1024 * 1024;

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function tooLarge(limit: number): ApiError {
  return new ApiError(
    413,
    "body_too_large",
    `the request body is larger than ${limit} bytes: send less at a time`,
  );
}

/** The body as JSON, validated; a bad body is a 400 naming the field at fault. */
export async function parseJsonBody<S extends z.ZodType>(
  req: IncomingMessage,
  schema: S,
  limit = DEFAULT_JSON_LIMIT,
): Promise<z.output<S>> {
  const raw = await readBody(req, limit);
  let json: unknown;
  try {
    json = raw.length === 0 ? {} : JSON.parse(raw.toString("utf8"));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw badRequest(`the request body is not valid JSON: ${why}`);
  }
  return parseValue(schema, json, "request body");
}

/** `value` checked with `schema`; a 400 naming the field otherwise. */
export function parseValue<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badRequest(describeIssues(parsed.error, what));
  return parsed.data;
}
