// `tsh recordings ls`: the sessions that ended in a time range, from the audit log's
// session.end events (as Teleport lists recordings), newest first.
import { z } from "zod";
import { alignedTable, type AuthClient } from "../auth/index.js";
import { formatStampUtc } from "./time.js";

const PAGE = 1000;

/** The fields of a session.end event the table shows; the rest is kept for --format json. */
const sessionEnd = z.looseObject({
  sid: z.string(),
  time: z.string(),
  participants: z.array(z.string()).optional(),
  server_hostname: z.string().optional(),
  user: z.string().optional(),
});
export type SessionEndEvent = z.output<typeof sessionEnd>;

export interface SessionEnds {
  events: SessionEndEvent[];
  /** What auth could not read (damaged log lines); printed as warnings. */
  problems: string[];
}

export async function listSessionEnds(
  client: AuthClient,
  range: { from: Date; to: Date },
): Promise<SessionEnds> {
  const events: SessionEndEvent[] = [];
  const problems: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.searchEvents({
      types: "session.end",
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      order: "desc",
      limit: String(PAGE),
      ...(cursor === undefined ? {} : { cursor }),
    });
    for (const event of page.events) {
      const parsed = sessionEnd.safeParse(event);
      if (parsed.success) events.push(parsed.data);
      else problems.push(`a session.end event without sid or time was skipped`);
    }
    problems.push(...page.problems);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return { events, problems };
}

/** Teleport's table: ID, Type, Participants, Hostname, Timestamp. */
export function formatRecordingsTable(events: readonly SessionEndEvent[]): string {
  return alignedTable(
    ["ID", "Type", "Participants", "Hostname", "Timestamp"],
    events.map((event) => [
      event.sid,
      "ssh",
      (event.participants ?? (event.user === undefined ? [] : [event.user])).join(", "),
      event.server_hostname ?? "",
      formatStampUtc(new Date(event.time)),
    ]),
  );
}
