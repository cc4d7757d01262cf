// Enhanced recording metrics, read from the recorder at scrape time: the recorder already counts
// every record and every loss, so nothing here counts twice.
import { Counter, Gauge, type Registry } from "prom-client";
import { EVENT_KINDS, type EnhancedRecorder, type EventKind } from "../bpf/index.js";
import { Watched } from "./watched.js";

/** What the metrics read from the enhanced recorder at each scrape. */
export type RecorderStats = Pick<EnhancedRecorder, "counters" | "ringUsage">;

export interface EnhancedRecordingMetrics {
  /**
   * Reads `recorder` at each scrape until the returned function is called; call it before the
   * recorder closes (a closed recorder cannot be read). Without a recorder these metrics have
   * no samples.
   */
  watch(recorder: RecorderStats): () => void;
}

export function registerEnhancedRecordingMetrics(registry: Registry): EnhancedRecordingMetrics {
  const recorder = new Watched<RecorderStats>();
  const labelNames = ["kind"] as const;

  /**
   * A metric's collect: one sample per kind, `read` from the watched recorder at each scrape;
   * no samples without a recorder.
   */
  const perKind = (read: (stats: RecorderStats) => (kind: EventKind) => number) =>
    function collect(this: Counter<"kind"> | Gauge<"kind">): void {
      this.reset();
      const stats = recorder.current;
      if (stats === undefined) return;
      const value = read(stats);
      // After the reset, adding a value sets it, on a counter as on a gauge.
      for (const kind of EVENT_KINDS) this.inc({ kind }, value(kind));
    };

  new Counter({
    name: "teleport_enhanced_events_total",
    help: "Enhanced recording events (kernel records) delivered to SSH sessions, by kind.",
    labelNames,
    registers: [registry],
    collect: perKind((stats) => {
      const { recorded } = stats.counters();
      return (kind) => recorded[kind];
    }),
  });
  new Counter({
    name: "teleport_enhanced_events_lost_total",
    help:
      "Enhanced recording events lost, by kind: the kernel found the kind's ring buffer full, " +
      "or the node fell too far behind reading it.",
    labelNames,
    registers: [registry],
    collect: perKind((stats) => {
      const { lost } = stats.counters();
      return (kind) => lost.kernel[kind] + lost.user[kind];
    }),
  });
  new Gauge({
    name: "teleport_enhanced_ring_used_bytes",
    help: "Bytes waiting in each kind's BPF ring buffer for the node to read them.",
    labelNames,
    registers: [registry],
    collect: perKind((stats) => {
      const rings = stats.ringUsage();
      return (kind) => rings[kind].used;
    }),
  });
  new Gauge({
    name: "teleport_enhanced_ring_size_bytes",
    help: "Size of each kind's BPF ring buffer (ssh_service.enhanced_recording.*_buffer_size).",
    labelNames,
    registers: [registry],
    collect: perKind((stats) => {
      const rings = stats.ringUsage();
      return (kind) => rings[kind].size;
    }),
  });

  return { watch: (source) => recorder.watch(source) };
}
