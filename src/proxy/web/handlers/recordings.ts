// /webapi/sites/:site/recordings…: the published recordings the user's roles let them list, and
// one recording for a player. The player's format is asciicast v2 (a header line, then one
// [seconds, "o" | "r" | "m", data] line per output, resize or command marker): a browser plays
// it with a terminal emulator and timers alone. Auth logs each playback (session.recording.access).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { isSafeSessionId } from "../../../auth/index.js";
import type { Logger } from "../../../log/index.js";
import { asciicastLines, buildTimeline, RecordingReader } from "../../../recording/index.js";
import type { ProxyContext } from "../../context.js";
import { badRequest } from "../errors.js";
import { json, type Reply, type SessionRequest, type WebRoute } from "../router.js";
import { checkSite } from "./site.js";

/** The recording as asciicast lines; the files fetched from auth are removed once read. */
async function playback(request: SessionRequest, sid: string, logger: Logger): Promise<Reply> {
  const dir = await mkdtemp(join(tmpdir(), "teleport-playback-"));
  try {
    await request.session.auth.downloadRecording(sid, dir);
    const reader = await RecordingReader.open(dir, { sid });
    const { events, problems } = await reader.readAll();
    for (const problem of problems) {
      // What could be read is played, as tsh play does; the damage is on record here.
      logger.warn(
        { sid, user: request.session.user, problem: problem.message },
        "Recording is damaged.",
      );
    }
    const lines = asciicastLines(buildTimeline(sid, events));
    return { kind: "stream", contentType: "application/x-asciicast", body: Readable.from(lines) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function recordingRoutes(context: ProxyContext): WebRoute[] {
  return [
    {
      method: "GET",
      path: "/webapi/sites/:site/recordings",
      access: "session",
      async handle(request) {
        checkSite(context, request);
        const recordings = await request.session.auth.listRecordings();
        return json({
          items: recordings.map((recording) => ({
            sid: recording.sid,
            files: recording.files,
            bytes: recording.bytes,
            published: recording.published.toISOString(),
          })),
        });
      },
    },
    {
      method: "GET",
      path: "/webapi/sites/:site/recordings/:sid/playback",
      access: "session",
      async handle(request) {
        checkSite(context, request);
        const sid = request.params["sid"] ?? "";
        if (!isSafeSessionId(sid)) {
          throw badRequest(`${JSON.stringify(sid)} is not a session id (normally a UUID)`);
        }
        return playback(request, sid, context.logger);
      },
    },
  ];
}
