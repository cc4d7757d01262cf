// The recording's timeline from the proxy (GET /webapi/sites/:site/recordings/:sid/timeline),
// checked against the shape the player relies on. The proxy logs the read on the audit log
// (session.recording.access).
import { z } from "zod";
import { apiGet } from "../api.js";
import type { Timeline } from "./timeline.js";

const size = z.object({ cols: z.number().int().positive(), rows: z.number().int().positive() });

const event = z.object({
  ms: z.number().nonnegative(),
  event: z.string(),
  code: z.string(),
  program: z.string().optional(),
  argv: z.array(z.string()).optional(),
  path: z.string().optional(),
  dst_addr: z.string().optional(),
  dst_port: z.number().optional(),
  return_code: z.number().optional(),
  pid: z.number().optional(),
  ppid: z.number().optional(),
  summary: z.string(),
  raw: z.record(z.string(), z.unknown()),
});

const timelineSchema: z.ZodType<Timeline> = z.object({
  sid: z.string(),
  start: z.string(),
  duration_ms: z.number().nonnegative(),
  size,
  output: z.array(z.tuple([z.number().nonnegative(), z.enum(["o", "r"]), z.string()])),
  events: z.array(event),
});

export function fetchTimeline(site: string, sid: string): Promise<Timeline> {
  const path = `/webapi/sites/${encodeURIComponent(site)}/recordings/${encodeURIComponent(sid)}/timeline`;
  return apiGet(path, { schema: timelineSchema });
}
