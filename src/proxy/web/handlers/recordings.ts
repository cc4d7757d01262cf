// /webapi/sites/:site/recordings…: the published recordings the user's roles let them list (auth
// decides: all of them, or the sessions the user took part in), and one recording for a player,
// as asciicast v2 (a header line, then one [seconds, "o" | "r" | "m", data] line per output,
// resize or command marker) or as the web player's timeline (output and the session's events on
// one clock, see timeline.ts). Auth logs each playback (session.recording.access).
import { Readable } from "node:stream";
import { isSafeSessionId, type RecordingEntry } from "../../../auth/index.js";
import type { Logger } from "../../../log/index.js";
import {
  asciicastLines,
  buildTimeline,
  RecordingReader,
  type RecordedEvent,
} from "../../../recording/index.js";
import type { ProxyContext } from "../../context.js";
import { badRequest } from "../errors.js";
import { json, type SessionRequest, type WebRoute } from "../router.js";
import { playerTimeline } from "../timeline.js";
import { checkSite } from "./site.js";

/** The :sid of a request, checked before it names files. */
function sidOf(request: SessionRequest): string {
  const sid = request.params["sid"] ?? "";
  if (!isSafeSessionId(sid)) {
    throw badRequest(`${JSON.stringify(sid)} is not a session id (normally a UUID)`);
  }
  return sid;
}

/**
 * The recording's events, fetched from auth as the user (auth checks their roles and logs one
 * playback); the downloaded files are removed once read.
 */
async function readRecording(
  request: SessionRequest,
  sid: string,
  logger: Logger,
): Promise<RecordedEvent[]> {
  const download = await request.session.auth.downloadRecordingToTemp(sid);
  try {
    const reader = await RecordingReader.open(download.dir, { sid });
    const { events, problems } = await reader.readAll();
    for (const problem of problems) {
      // What could be read is played, as tsh play does; the damage is on record here.
      logger.warn(
        { sid, user: request.session.user, problem: problem.message },
        "Recording is damaged.",
      );
    }
    return events;
  } finally {
    await download.remove();
  }
}

function listItem({ sid, bytes, summary }: RecordingEntry): object {
  return {
    sid,
    start: summary.start,
    end: summary.end,
    duration_ms: summary.durationMs,
    user: summary.user,
    login: summary.login,
    participants: summary.participants,
    server_id: summary.serverId,
    server_hostname: summary.serverHostname,
    interactive: summary.interactive,
    enhanced_recording: summary.enhancedRecording,
    counts: summary.counts,
    bytes,
  };
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
        const newestFirst = [...recordings].sort(
          (a, b) => b.summary.start.localeCompare(a.summary.start) || a.sid.localeCompare(b.sid),
        );
        return json({ items: newestFirst.map(listItem) });
      },
    },
    {
      method: "GET",
      path: "/webapi/sites/:site/recordings/:sid/playback",
      access: "session",
      async handle(request) {
        checkSite(context, request);
        const sid = sidOf(request);
        const events = await readRecording(request, sid, context.logger);
        const lines = asciicastLines(buildTimeline(sid, events));
        return {
          kind: "stream",
          contentType: "application/x-asciicast",
          body: Readable.from(lines),
        };
      },
    },
    {
      method: "GET",
      path: "/webapi/sites/:site/recordings/:sid/timeline",
      access: "session",
      async handle(request) {
        checkSite(context, request);
        const sid = sidOf(request);
        return json(playerTimeline(sid, await readRecording(request, sid, context.logger)));
      },
    },
  ];
}
