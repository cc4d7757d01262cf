// session.command / session.disk / session.network: the events of enhanced session recording,
// with Teleport's names, codes and field names (the guide's examples are the reference shapes).
import { canonicalJson } from "./canonical.js";
import { eventTime } from "./time.js";
import type { ConnectRecord, ExecRecord, KernelRecord, OpenRecord } from "../bpf/index.js";

export const EnhancedEventCode = {
  "session.command": "T4000I",
  "session.disk": "T4001I",
  "session.network": "T4002I",
} as const;

export type EnhancedEventName = keyof typeof EnhancedEventCode;

/** Fields every event of a session carries; cluster fields are absent where unknown. */
export interface SessionEventContext {
  sid: string;
  /** Index of the event within its session. */
  ei: number;
  time: Date;
  uid: string;
  namespace?: string;
  cluster_name?: string;
  user?: string;
  login?: string;
  server_id?: string;
  server_hostname?: string;
  server_addr?: string;
}

interface BpfCommon {
  pid: number;
  cgroup_id: number;
  program: string;
}

export interface SessionCommandEvent extends BpfCommon {
  event: "session.command";
  code: "T4000I";
  path: string;
  argv: string[];
  ppid: number;
  return_code: number;
  /** Ours: the argument block was longer than the kernel copies; argv holds its start. */
  argv_truncated?: true;
  /** Ours: the kernel could not read the argument block; argv is empty, not wrong. */
  argv_unreadable?: true;
  path_truncated?: true;
  path_unreadable?: true;
}

export interface SessionDiskEvent extends BpfCommon {
  event: "session.disk";
  code: "T4001I";
  path: string;
  flags: number;
  return_code: number;
  path_truncated?: true;
  path_unreadable?: true;
}

export interface SessionNetworkEvent extends BpfCommon {
  event: "session.network";
  code: "T4002I";
  src_addr: string;
  dst_addr: string;
  dst_port: number;
  version: 4 | 6;
  /** 0: connect. */
  operation: 0;
  /** 0: observed, 1: denied. */
  action: 0 | 1;
}

export type EnhancedEvent = (SessionCommandEvent | SessionDiskEvent | SessionNetworkEvent) &
  Omit<SessionEventContext, "time"> & { time: string };

function common(record: KernelRecord): BpfCommon {
  return { pid: record.pid, cgroup_id: Number(record.cgroupId), program: record.comm };
}

function pathFlags(record: ExecRecord | OpenRecord): {
  path_truncated?: true;
  path_unreadable?: true;
} {
  return {
    ...(record.pathTruncated ? { path_truncated: true as const } : {}),
    ...(record.pathUnreadable ? { path_unreadable: true as const } : {}),
  };
}

function command(record: ExecRecord): SessionCommandEvent {
  return {
    event: "session.command",
    code: "T4000I",
    ...common(record),
    path: record.path,
    // Teleport's argv holds the arguments after the program name.
    argv: record.argv.slice(1),
    ppid: record.ppid,
    return_code: record.returnCode,
    ...(record.argsTruncated ? { argv_truncated: true as const } : {}),
    ...(record.argsUnreadable ? { argv_unreadable: true as const } : {}),
    ...pathFlags(record),
  };
}

function disk(record: OpenRecord): SessionDiskEvent {
  return {
    event: "session.disk",
    code: "T4001I",
    ...common(record),
    path: record.path,
    flags: record.flags,
    return_code: record.returnCode,
    ...pathFlags(record),
  };
}

function network(record: ConnectRecord): SessionNetworkEvent {
  return {
    event: "session.network",
    code: "T4002I",
    ...common(record),
    src_addr: record.srcAddr,
    dst_addr: record.dstAddr,
    dst_port: record.dstPort,
    version: record.version,
    operation: 0,
    action: 0,
  };
}

/** The audit event for a kernel record of a session. */
export function enhancedEvent(record: KernelRecord, context: SessionEventContext): EnhancedEvent {
  const specific =
    record.kind === "exec"
      ? command(record)
      : record.kind === "open"
        ? disk(record)
        : network(record);
  return { ...context, time: eventTime(context.time), ...specific };
}

/** One JSON line with keys in alphabetical order, as Teleport writes its audit log. */
export function eventJsonLine(event: object): string {
  return `${canonicalJson(event)}\n`;
}
