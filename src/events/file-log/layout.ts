// Where the file audit log keeps things (DESIGN §5):
//   <dir>/<auth-server-uuid>/YYYY-MM-DD.00:00:00.log   one JSON event per line, UTC days
//   <dir>/<auth-server-uuid>/YYYY-MM-DD.00:00:00.idx   line index of that day (a cache; see line-index.ts)
//   <dir>/events.log -> the current day's file
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { AuditLogError } from "./errors.js";

export const FILE_MODE = 0o640;
export const DIR_MODE = 0o750;

const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.00:00:00\.log$/;

export interface LogLayout {
  /** The audit log folder (absolute). */
  dir: string;
  /** This auth server's folder of day files. */
  serverDir: string;
  /** The events.log symlink. */
  symlink: string;
}

export interface DayFile {
  /** "YYYY-MM-DD", UTC. */
  day: string;
  path: string;
}

export function logLayout(dir: string, serverId: string): LogLayout {
  if (serverId === "" || serverId === "." || serverId === ".." || /[/\0]/.test(serverId)) {
    throw new AuditLogError(
      `audit log: server id ${JSON.stringify(serverId)} cannot be a folder name; use the auth server's UUID`,
    );
  }
  const abs = resolve(dir);
  return { dir: abs, serverDir: join(abs, serverId), symlink: join(abs, "events.log") };
}

/** The UTC day of an instant, "YYYY-MM-DD". */
export function dayOf(date: Date | number): string {
  return new Date(date).toISOString().slice(0, 10);
}

/** The UTC day of an event's RFC 3339 time (validated before). */
export function dayOfTime(time: string): string {
  // Our own times are UTC ("…Z"): their first ten characters are the day.
  return /^\d{4}-\d{2}-\d{2}T.*Z$/i.test(time) ? time.slice(0, 10) : dayOf(Date.parse(time));
}

export function dayFilePath(layout: LogLayout, day: string): string {
  return join(layout.serverDir, `${day}.00:00:00.log`);
}

export function sidecarPath(dayFile: string): string {
  return dayFile.replace(/\.log$/, ".idx");
}

/** The day files of the folder, oldest first; reads the folder listing, never the files. */
export function listDayFiles(layout: LogLayout): DayFile[] {
  let names: string[];
  try {
    names = readdirSync(layout.serverDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const files: DayFile[] = [];
  for (const name of names) {
    const day = DAY_FILE.exec(name)?.[1];
    if (day !== undefined) files.push({ day, path: join(layout.serverDir, name) });
  }
  return files.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}
