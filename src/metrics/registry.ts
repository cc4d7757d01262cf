// One Prometheus registry per daemon (never prom-client's global one, so that several daemons or
// tests in one process keep their numbers apart), served on diag_addr's /metrics.
import { collectDefaultMetrics, Gauge, Registry } from "prom-client";
import { registerEnhancedRecordingMetrics, type RecorderStats } from "./enhanced.js";
import { Watched } from "./watched.js";

/** The node's recordings waiting for auth (RecordingDelivery). */
export interface UploadQueue {
  readonly size: number;
}

/** What the SSH node reports; every call is cheap and never throws. */
export interface NodeMetrics {
  /** An SSH session started (call sessionEnded once for each). */
  sessionStarted(): void;
  sessionEnded(): void;
  /**
   * Reads the number of recordings waiting to be delivered to auth (`queue.size`) at each scrape
   * until the returned function is called.
   */
  watchUploadQueue(queue: UploadQueue): () => void;
  /**
   * Reads the enhanced recorder's counters and rings at each scrape until the returned function
   * is called; call that before closing the recorder.
   */
  watchRecorder(recorder: RecorderStats): () => void;
}

export interface DaemonMetrics {
  readonly node: NodeMetrics;
  /** The content type of what render() returns (Prometheus text format). */
  readonly contentType: string;
  /** Every metric, in the Prometheus text format, collected now. */
  render(): Promise<string>;
}

export function createDaemonMetrics(): DaemonMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const activeSessions = new Gauge({
    name: "teleport_active_sessions",
    help: "SSH sessions running on this node.",
    registers: [registry],
  });
  const uploadQueue = new Watched<UploadQueue>();
  new Gauge({
    name: "teleport_upload_queue",
    help: "Session recordings waiting to be delivered to the auth service.",
    registers: [registry],
    collect() {
      this.set(uploadQueue.current?.size ?? 0);
    },
  });
  const enhanced = registerEnhancedRecordingMetrics(registry);
  return {
    node: {
      sessionStarted: () => activeSessions.inc(),
      sessionEnded: () => activeSessions.dec(),
      watchUploadQueue: (queue) => uploadQueue.watch(queue),
      watchRecorder: (recorder) => enhanced.watch(recorder),
    },
    contentType: registry.contentType,
    render: () => registry.metrics(),
  };
}
