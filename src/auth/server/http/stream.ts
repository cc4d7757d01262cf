// A route's answer that is a file, not JSON: streamed as it is read, never held in memory whole.
import type { ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

export class StreamBody {
  constructor(
    readonly stream: Readable,
    readonly bytes: number,
  ) {}
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && "code" in error ? String(error.code) : undefined;
}

export async function sendStream(res: ServerResponse, body: StreamBody): Promise<void> {
  res.writeHead(200, {
    "content-type": "application/octet-stream",
    "content-length": body.bytes,
    "cache-control": "no-store",
  });
  try {
    await pipeline(body.stream, res);
  } catch (error) {
    // The client went away mid-file: nothing went wrong on this side.
    if (res.destroyed && errorCode(error) === "ERR_STREAM_PREMATURE_CLOSE") return;
    throw error;
  }
}
