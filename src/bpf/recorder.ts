// The enhanced recording engine as the rest of the system sees it: sessions in, typed kernel
// records out, attributed in the kernel by process lineage (DESIGN §3), with every loss counted.
import { SessionCgroups, type SessionCgroup } from "../cgroup/index.js";
import { loadAddon, type NativeEngine, type RingUsage } from "./addon.js";
import { EnhancedRecordingUnavailable, ensureTracefs, unmountTracefs } from "./checks.js";
import { BootClock } from "./clock.js";
import {
  KIND_OF_RECORD,
  kindMask,
  perKind,
  RING_OF,
  RECORD_KIND_OF,
  type EventKind,
  type PerKind,
} from "./kinds.js";
import {
  decodeBatch,
  LAYOUT,
  RECORD_KIND_COUNT,
  type KernelRecord,
  type RecordDecodeError,
} from "./records.js";
import { ringBytes } from "./ring-size.js";

export interface RecorderOptions {
  /** Path of build/bpf/session.bpf.o. */
  objectPath: string;
  /** Ring sizes in pages, as in ssh_service.enhanced_recording. */
  bufferPages: PerKind<number>;
  cgroupPath: string;
  rootPath: string;
  /** This teleport instance's id: its cgroups live under <cgroupPath>/<rootPath>/<instanceId>. */
  instanceId: string;
}

/** What a session receives: its records as they arrive, and problems it should report. */
export interface SessionSink {
  record(record: KernelRecord, time: Date): void;
  /** `record` threw: the record is counted in the summary's sinkFailures, and told here. */
  failed?(error: unknown): void;
}

export interface RecordedSession {
  sid: string;
  cgroup: SessionCgroup;
}

export interface LossCounts {
  /** Records the kernel could not put in a full ring. */
  kernel: PerKind<number>;
  /** Records dropped in user space because JavaScript was behind. */
  user: PerKind<number>;
}

export interface SessionSummary {
  sid: string;
  recorded: PerKind<number>;
  lost: LossCounts;
  /** Records the session's sink failed to take (it threw). */
  sinkFailures: number;
}

interface OpenSession {
  sid: string;
  key: bigint;
  cgroupId: bigint;
  sink: SessionSink;
  recorded: PerKind<number>;
  sinkFailures: number;
}

export interface RecorderCounters {
  recorded: PerKind<number>;
  lost: LossCounts;
  /** Records whose bytes made no sense; reported with the reason as they happen. */
  malformed: number;
  /** Records of a session already closed (a process of it kept running). */
  late: number;
  /** Processes the kernel could not track because its `tracked` map was full. */
  lineageLost: number;
}

function sessionInfo(key: bigint, mask: number): Buffer {
  const value = Buffer.alloc(LAYOUT.session_info.size);
  value.writeBigUInt64LE(key, LAYOUT.session_info.offsets.session_key);
  value.writeUInt32LE(mask, LAYOUT.session_info.offsets.kinds);
  return value;
}

function u64Key(value: bigint): Buffer {
  const key = Buffer.alloc(8);
  key.writeBigUInt64LE(value);
  return key;
}

/** Syscalls some architectures do not have at all (arm64 has neither open nor creat). */
const OPTIONAL_PROGRAM = /^on_sys_(enter|exit)_(open|creat)$/;

/**
 * A hook this kernel lacks would silently leave a kind of event unrecorded: refuse to start
 * instead, unless the syscall itself does not exist here.
 */
export function refuseMissingHooks(skipped: readonly string[]): void {
  const missing = skipped.filter((name) => !OPTIONAL_PROGRAM.test(name));
  if (missing.length === 0) return;
  throw new EnhancedRecordingUnavailable(
    `this kernel lacks the tracepoints of ${missing.join(", ")}, so enhanced recording would miss ` +
      "events (syscall tracepoints need a kernel built with CONFIG_FTRACE_SYSCALLS=y): use such a " +
      "kernel or set ssh_service.enhanced_recording.enabled: false",
  );
}

export class EnhancedRecorder {
  private readonly sessions = new Map<string, OpenSession>();
  private readonly byKey = new Map<bigint, OpenSession>();
  private nextKey = 1n;
  private malformed = 0;
  private late = 0;
  private readonly recorded = perKind(() => 0);
  private readonly clock = new BootClock();
  private closed = false;
  private readonly onMalformed: (error: RecordDecodeError) => void;

  private constructor(
    private readonly engine: NativeEngine,
    private readonly cgroups: SessionCgroups,
    onMalformed: (error: RecordDecodeError) => void,
    private readonly mountedTracefs: boolean,
  ) {
    this.onMalformed = onMalformed;
  }

  /** Programs left out because this kernel lacks their tracepoint (e.g. open and creat on arm64). */
  get skippedPrograms(): readonly string[] {
    return this.engine.skippedPrograms;
  }

  /**
   * Loads and attaches the kernel programs and prepares this instance's cgroup tree.
   * `onMalformed` hears about records that could not be decoded (they are counted too).
   */
  static open(
    options: RecorderOptions,
    onMalformed: (error: RecordDecodeError) => void = () => undefined,
  ): EnhancedRecorder {
    // libbpf finds tracepoints through tracefs; mount it for as long as this recorder lives.
    const mountedTracefs = ensureTracefs();
    let cgroups: SessionCgroups | undefined;
    let recorder: EnhancedRecorder | undefined;
    try {
      cgroups = SessionCgroups.open({
        cgroupPath: options.cgroupPath,
        rootPath: options.rootPath,
        instanceId: options.instanceId,
      });
      const ringSizes: Record<string, number> = {};
      for (const kind of ["command", "disk", "network"] as const) {
        ringSizes[RING_OF[kind]] = ringBytes(options.bufferPages[kind]);
      }
      const { Engine } = loadAddon();
      const engine = new Engine(options.objectPath, { ringBytes: ringSizes }, (batch) =>
        recorder?.deliver(batch),
      );
      recorder = new EnhancedRecorder(engine, cgroups, onMalformed, mountedTracefs);
      refuseMissingHooks(engine.skippedPrograms);
      engine.attach();
      engine.start();
      return recorder;
    } catch (err) {
      recorder?.engine.close();
      cgroups?.close();
      if (mountedTracefs) unmountTracefs();
      throw err;
    }
  }

  /** This instance's cgroup folder: <cgroup_path>/<root_path>/<instance id>. */
  get instanceDir(): string {
    return this.cgroups.instanceDir;
  }

  private deliver(batch: Buffer): void {
    decodeBatch(batch, {
      record: (record) => {
        const session = this.byKey.get(record.sessionKey);
        if (!session) {
          this.late++;
          return;
        }
        const kind = KIND_OF_RECORD[record.kind];
        session.recorded[kind]++;
        this.recorded[kind]++;
        // One session's failing sink must not cost the other sessions in this batch their records.
        try {
          session.sink.record(record, this.clock.toDate(record.ktimeNs));
        } catch (err) {
          session.sinkFailures++;
          session.sink.failed?.(err);
        }
      },
      error: (error) => {
        this.malformed++;
        this.onMalformed(error);
      },
    });
  }

  /**
   * Creates the session's cgroup and registers it in the kernel: any process that joins the
   * cgroup, and everything it starts from then on, is recorded for this session.
   */
  openSession(sid: string, kinds: readonly EventKind[], sink: SessionSink): RecordedSession {
    if (this.closed) throw new Error("the enhanced recorder is closed");
    if (this.sessions.has(sid)) throw new Error(`session ${sid} is already being recorded`);
    const cgroup = this.cgroups.create(sid);
    const session: OpenSession = {
      sid,
      key: this.nextKey++,
      cgroupId: cgroup.id,
      sink,
      recorded: perKind(() => 0),
      sinkFailures: 0,
    };
    try {
      this.engine.updateElem(
        "session_cgroups",
        u64Key(cgroup.id),
        sessionInfo(session.key, kindMask(kinds)),
      );
    } catch (err) {
      this.cgroups.remove(sid);
      throw err;
    }
    this.sessions.set(sid, session);
    this.byKey.set(session.key, session);
    return { sid, cgroup };
  }

  /** Stops attributing new activity to the session in the kernel. */
  private unregister(session: OpenSession): void {
    this.engine.deleteElem("session_cgroups", u64Key(session.cgroupId));
    for (const key of this.engine.keys("tracked")) {
      const value = this.engine.lookupElem("tracked", key);
      if (value && value.readBigUInt64LE(LAYOUT.session_info.offsets.session_key) === session.key) {
        this.engine.deleteElem("tracked", key);
      }
    }
  }

  private drain(): Promise<void> {
    return new Promise((resolve) => this.engine.drain(resolve));
  }

  /**
   * Ends a session: unregisters it in the kernel, then delivers every record the kernel wrote
   * before that (no fixed sleep: the poller empties the rings and signals when done), then
   * removes its cgroup (leftover processes move to the instance cgroup).
   */
  async closeSession(sid: string): Promise<SessionSummary> {
    const session = this.sessions.get(sid);
    if (!session) throw new Error(`session ${sid} is not being recorded`);
    this.unregister(session);
    await this.drain();
    this.sessions.delete(sid);
    this.byKey.delete(session.key);
    this.cgroups.remove(sid);
    return {
      sid,
      recorded: { ...session.recorded },
      lost: this.sessionLoss(session),
      sinkFailures: session.sinkFailures,
    };
  }

  private sessionLoss(session: OpenSession): LossCounts {
    const counts = this.engine.sessionLost(session.key);
    // The kernel's per-session loss map is bounded: free the entry once it has been read.
    this.engine.forgetSession(session.key);
    return {
      kernel: perKind((kind) => Number(counts.kernel[RECORD_KIND_OF[kind]] ?? 0n)),
      user: perKind((kind) => Number(counts.user[RECORD_KIND_OF[kind]] ?? 0n)),
    };
  }

  counters(): RecorderCounters {
    const kernel: bigint[] = [];
    for (let kind = 0; kind < RECORD_KIND_COUNT; kind++)
      kernel.push(this.engine.readArrayU64("lost", kind));
    const user = this.engine.userLost();
    return {
      recorded: { ...this.recorded },
      lost: {
        kernel: perKind((kind) => Number(kernel[RECORD_KIND_OF[kind]] ?? 0n)),
        user: perKind((kind) => Number(user[RECORD_KIND_OF[kind]] ?? 0n)),
      },
      malformed: this.malformed,
      late: this.late,
      lineageLost: Number(kernel[0] ?? 0n),
    };
  }

  /** Each kind's ring buffer: its size and the bytes waiting in it for the poller, right now. */
  ringUsage(): PerKind<RingUsage> {
    const rings = this.engine.ringUsage();
    return perKind((kind) => {
      const ring = rings[RING_OF[kind]];
      if (ring === undefined) throw new Error(`the BPF object has no ring buffer ${RING_OF[kind]}`);
      return ring;
    });
  }

  /** Ends every open session, detaches the programs, removes this instance's cgroups. */
  async close(): Promise<void> {
    if (this.closed) return;
    // Closed first, so no session opens while the open ones are being closed.
    this.closed = true;
    try {
      for (const sid of [...this.sessions.keys()]) await this.closeSession(sid);
    } finally {
      this.engine.close();
      this.cgroups.close();
      if (this.mountedTracefs) unmountTracefs();
    }
  }
}
