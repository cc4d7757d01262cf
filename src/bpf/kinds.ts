import { RecordKind, type KernelRecord } from "./records.js";

/** The event kinds a session can record, as the config and roles name them. */
export const EVENT_KINDS = ["command", "disk", "network"] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const KIND_OF_RECORD: Record<KernelRecord["kind"], EventKind> = {
  exec: "command",
  open: "disk",
  connect: "network",
};

/** The record kind number (native/bpf/common.h) behind each event kind. */
export const RECORD_KIND_OF: Record<EventKind, number> = {
  command: RecordKind.exec,
  disk: RecordKind.open,
  network: RecordKind.connect,
};

/** The ring buffer map that carries each kind. */
export const RING_OF: Record<EventKind, string> = {
  command: "command_events",
  disk: "disk_events",
  network: "network_events",
};

/** session_info.kinds bit mask for a set of kinds. */
export function kindMask(kinds: Iterable<EventKind>): number {
  let mask = 0;
  for (const kind of kinds) mask |= 1 << RECORD_KIND_OF[kind];
  return mask;
}

/** Parses "command,disk,network" (as `teleport record --events` takes it). */
export function parseKinds(text: string): EventKind[] {
  const kinds = text
    .split(",")
    .map((k) => k.trim())
    .filter((k) => k !== "");
  const unknown = kinds.filter((k) => !(EVENT_KINDS as readonly string[]).includes(k));
  if (unknown.length > 0 || kinds.length === 0) {
    throw new Error(
      `expected event kinds from ${EVENT_KINDS.join(", ")} separated by commas, got "${text}"`,
    );
  }
  return [...new Set(kinds as EventKind[])];
}

export type PerKind<T> = Record<EventKind, T>;

export function perKind<T>(make: (kind: EventKind) => T): PerKind<T> {
  return { command: make("command"), disk: make("disk"), network: make("network") };
}
