// One SSH session from its first byte to its upload: cgroup (recorded by BPF when enhanced
// recording is on), recording, the program, and the session's end.
import { randomUUID } from "node:crypto";
import type { ServerChannel } from "ssh2";
import type { AuthClient } from "../auth/index.js";
import type { SessionRecordingMode } from "../config/index.js";
import type { EnhancedRecordingKind } from "../auth/roles/index.js";
import type { EnhancedRecorder } from "../bpf/index.js";
import type { SessionCgroups } from "../cgroup/index.js";
import type { Logger } from "../log/index.js";
import { sendExit } from "./channel-exit.js";
import type { NodeMetrics } from "../metrics/index.js";
import type { RecordingDelivery } from "./delivery.js";
import { errorMessage } from "./errors.js";
import { EventSender } from "./event-sender.js";
import { startSessionProcess, type ProcessExit, type PtySize } from "./process.js";
import { SessionRecording, type SessionIdentity, type SessionRecord } from "./recording.js";
import { connectionEnv, type ConnectionEnds } from "./ssh-env.js";
import { UnrecordedSession } from "./unrecorded.js";
import type { HostUser } from "./users.js";

export interface SessionHost {
  dataDir: string;
  client: AuthClient;
  logger: Logger;
  clusterName: string;
  serverId: string;
  serverHostname: string;
  serverAddr: string;
  /** With enhanced recording on. */
  recorder: EnhancedRecorder | undefined;
  /** Without it: plain per-session cgroups for the launcher. */
  cgroups: SessionCgroups | undefined;
  /** Takes finished recordings to auth, from disk, retrying while auth is away. */
  delivery: RecordingDelivery;
  /** The cluster's session_recording, as auth last said in a heartbeat. */
  recordingMode: () => SessionRecordingMode;
  metrics?: NodeMetrics | undefined;
}

export interface SessionRequest {
  user: string;
  hostUser: HostUser;
  kinds: readonly EnhancedRecordingKind[];
  command: string | undefined;
  /**
   * Set for a subsystem (sftp): its output is a binary protocol, not terminal output, so it is
   * not recorded as prints (the kernel events still are).
   */
  subsystem: string | undefined;
  pty: PtySize | undefined;
  /** The variables the client sent that the node accepts (LANG, LC_*). */
  clientEnv: Readonly<Record<string, string>>;
  connection: ConnectionEnds;
  channel: ServerChannel;
  /** Resizes from window-change requests are delivered here. */
  onResize: (listener: (cols: number, rows: number) => void) => void;
}

function sessionEnv(request: SessionRequest, sid: string): Record<string, string> {
  const { hostUser: user, pty } = request;
  return {
    // First, so that the client cannot override what follows.
    ...request.clientEnv,
    HOME: user.home,
    USER: user.login,
    LOGNAME: user.login,
    SHELL: user.shell,
    PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    TELEPORT_SESSION: sid,
    ...connectionEnv(request.connection),
    ...(pty === undefined ? {} : { TERM: pty.term }),
  };
}

/** Teleport's exec event fields: the exit code as a string, and what went wrong if anything. */
function execOutcome(
  command: string,
  exit: ProcessExit,
): { command: string; exitCode: string; exitError: string } {
  if ("signal" in exit) {
    return { command, exitCode: "255", exitError: `signal: ${exit.signal}` };
  }
  const exitError = exit.code === 0 ? "" : `exit status ${exit.code}`;
  return { command, exitCode: String(exit.code), exitError };
}

/** Runs the session to its end; resolves once its recording is handed to delivery. */
export async function runSession(host: SessionHost, request: SessionRequest): Promise<void> {
  const sid = randomUUID();
  const started = new Date();
  const who: SessionIdentity = {
    sid,
    user: request.user,
    login: request.hostUser.login,
    clusterName: host.clusterName,
    serverId: host.serverId,
    serverHostname: host.serverHostname,
    serverAddr: host.serverAddr,
  };
  const log = host.logger.child({ component: "node", sid, user: request.user });
  const mode = host.recordingMode();
  let recording: SessionRecord;
  try {
    recording =
      mode === "off"
        ? new UnrecordedSession(who, host.delivery, log)
        : await SessionRecording.create(
            who,
            host.dataDir,
            new EventSender(host.client, log),
            host.delivery,
            log,
            started,
          );
  } catch (error) {
    // A session that must be recorded does not run unrecorded (a full disk must not become a
    // way around the recording): the client is told why.
    log.error({ err: error }, `The session's recording cannot be created: ${errorMessage(error)}`);
    const { channel } = request;
    channel.stderr.write(
      `teleport: this session must be recorded and its recording cannot be created on the node ` +
        `(${errorMessage(error)}); ask the node's administrator\r\n`,
    );
    channel.exit(255);
    channel.end();
    return;
  }
  const interactive = request.pty !== undefined;
  const size = request.pty ? `${request.pty.cols}:${request.pty.rows}` : "80:25";
  const initial = request.command === undefined ? {} : { initial_command: [request.command] };
  recording.event("session.start", { size, interactive, session_recording: mode, ...initial });

  // With recording off, BPF still runs the session's cgroup (the recorder owns it) but is told
  // to record no kind of event.
  const kinds = mode === "off" ? [] : request.kinds;
  const enhanced = host.recorder !== undefined && mode !== "off";
  const cgroupProcs = host.recorder
    ? host.recorder.openSession(sid, kinds, {
        record: (record, time) => recording.kernel(record, time),
      }).cgroup.procsPath
    : (host.cgroups?.create(sid).procsPath ?? "");
  let exit: ProcessExit = { code: 255 };
  // Bytes to (tx) and from (rx) the client, for session.data.
  const traffic = { tx: 0, rx: 0 };
  host.metrics?.sessionStarted();
  try {
    const proc = startSessionProcess({
      user: request.hostUser,
      cgroupProcs,
      command: request.command,
      pty: request.pty,
      env: sessionEnv(request, sid),
    });
    const { channel } = request;
    // Why the program's output is not being read. A client that reads slower than the program
    // writes, or a recording that cannot keep up with it: hold the program back until they catch
    // up, as sshd does with the client, instead of queueing its output in memory without bound.
    const holds = new Set<"client" | "recording">();
    const hold = (reason: "client" | "recording", until: () => Promise<void>): void => {
      if (holds.has(reason)) return;
      if (holds.size === 0) proc.pauseOutput();
      holds.add(reason);
      void until().then(() => {
        holds.delete(reason);
        if (holds.size === 0) proc.resumeOutput();
      });
    };
    proc.onOutput((bytes, stream) => {
      if (request.subsystem === undefined && !recording.print(bytes)) {
        hold("recording", () => recording.drained());
      }
      traffic.tx += bytes.length;
      const out = stream === "stderr" ? channel.stderr : channel;
      if (!out.write(bytes))
        hold("client", () => new Promise((resolve) => out.once("drain", resolve)));
    });
    channel.on("data", (data: Buffer) => {
      traffic.rx += data.length;
      proc.write(data);
    });
    channel.on("end", () => proc.endInput());
    channel.on("close", () => proc.kill());
    let over = false;
    request.onResize((cols, rows) => {
      // Late window changes (the program has ended, the recording may be complete) are dropped.
      if (over) return;
      proc.resize(cols, rows);
      recording.event("resize", { size: `${cols}:${rows}` });
    });
    exit = await proc.exited;
    over = true;
    sendExit(channel, exit);
    channel.end();
  } catch (error) {
    log.error({ err: error }, "The session's program could not run.");
    request.channel.stderr.write(`teleport: cannot start the session: ${String(error)}\r\n`);
    request.channel.exit(255);
    request.channel.end();
  } finally {
    host.metrics?.sessionEnded();
    if (host.recorder) {
      const summary = await host.recorder.closeSession(sid);
      recording.lost(summary.lost);
    } else {
      host.cgroups?.remove(sid);
    }
  }
  if (request.command !== undefined && request.subsystem === undefined) {
    recording.event("exec", execOutcome(request.command, exit));
  }
  recording.event("session.data", { tx: traffic.tx, rx: traffic.rx });
  recording.event("session.leave", {});
  recording.event("session.end", {
    enhanced_recording: enhanced,
    interactive,
    participants: [request.user],
    session_start: started.toISOString(),
    session_stop: new Date().toISOString(),
    session_recording: mode,
    ...initial,
  });
  await recording.finish();
  log.info({ exit }, "Session ended.");
}
