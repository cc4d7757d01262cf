// The table bench/ssh.ts prints: per server, medians, spread, ratios to sshd and the targets.
import { median } from "../lib/median.js";
import { table } from "../lib/table.js";

export const THROUGHPUT_TARGET = 0.9;
export const LATENCY_TARGET = 1.5;

export interface ServerReport {
  label: string;
  /** Algorithms agreed with the client: cipher [MAC], key exchange, host key. */
  algorithms: string;
  /** Bytes per second, one per run. */
  throughput: number[];
  /** Milliseconds, one per run. */
  latency: number[];
  /** CPU seconds the server used per throughput run / per latency run (see bench/README.md). */
  throughputCpu: number[];
  latencyCpu: number[];
  /** Client exit → server idle again (sshd: its session processes gone; node: recording published), ms. */
  throughputTail: number[];
  latencyTail: number[];
}

export interface BenchReport {
  client: string;
  login: string;
  bytes: number;
  /** The file the bulk bytes are read from. */
  source: string;
  sshd: ServerReport;
  nodes: ServerReport[];
  seconds: number;
}

const MIB = 1024 * 1024;

function verdict(met: boolean): string {
  return met ? "met" : "NOT met";
}

/** Per run, node ÷ sshd of the same round: the lowest and highest, as "a–b". */
function roundRange(node: readonly number[], sshd: readonly number[]): string {
  const ratios = node.map((v, i) => v / (sshd[i] ?? Number.NaN));
  return `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
}

export function formatReport(r: BenchReport): string {
  const all = [r.sshd, ...r.nodes];
  const out: string[] = [];
  const mib = (bps: number): string => (bps / MIB).toFixed(0);
  const ms = (v: number): string => v.toFixed(1);
  const cpu = (values: readonly number[]): string => `${(median(values) * 1000).toFixed(0)} ms`;
  const tail = (values: readonly number[]): string => `${median(values).toFixed(0)} ms`;

  out.push(
    `ssh benchmark: ${r.sshd.throughput.length} × ${r.bytes / MIB} MiB and ${r.sshd.latency.length} × \`true\` per server, interleaved (${r.seconds.toFixed(0)} s)`,
    `client: ${r.client}, login ${r.login}`,
    "",
    ...table(
      [
        ["server", "cipher [MAC], key exchange, host key"],
        ...all.map((s) => [s.label, s.algorithms]),
      ],
      () => false,
    ),
    "",
  );

  const sshdThroughput = median(r.sshd.throughput);
  out.push(
    `throughput: ssh host 'head -c ${r.bytes / MIB}M ${r.source}' > wc -c   (target ≥ ${THROUGHPUT_TARGET.toFixed(2)} × sshd)`,
  );
  out.push(
    ...table(
      [
        ["", "MiB/s", "min–max", "ratio", "rounds", "server CPU", "tail", "target"],
        ...all.map((s) => {
          const ratio = median(s.throughput) / sshdThroughput;
          const isSshd = s === r.sshd;
          return [
            s.label,
            mib(median(s.throughput)),
            `${mib(Math.min(...s.throughput))}–${mib(Math.max(...s.throughput))}`,
            ratio.toFixed(2),
            isSshd ? "" : roundRange(s.throughput, r.sshd.throughput),
            cpu(s.throughputCpu),
            tail(s.throughputTail),
            isSshd ? "" : verdict(ratio >= THROUGHPUT_TARGET),
          ];
        }),
      ],
      (col) => col >= 1 && col <= 6,
    ).map((l) => `  ${l}`),
    "",
  );

  const sshdLatency = median(r.sshd.latency);
  out.push(`latency: ssh host true   (target ≤ ${LATENCY_TARGET.toFixed(2)} × sshd)`);
  out.push(
    ...table(
      [
        ["", "ms", "min–max", "ratio", "server CPU", "tail", "target"],
        ...all.map((s) => {
          const ratio = median(s.latency) / sshdLatency;
          return [
            s.label,
            ms(median(s.latency)),
            `${ms(Math.min(...s.latency))}–${ms(Math.max(...s.latency))}`,
            ratio.toFixed(2),
            cpu(s.latencyCpu),
            tail(s.latencyTail),
            s === r.sshd ? "" : verdict(ratio <= LATENCY_TARGET),
          ];
        }),
      ],
      (col) => col >= 1 && col <= 5,
    ).map((l) => `  ${l}`),
    "",
    "ratio: node median ÷ sshd median. rounds: lowest and highest node ÷ sshd within one round.",
    "server CPU: median per run, until the client exited, of the server and its sessions (sshd: its",
    "cgroup; node: this process, which also holds auth, and its session cgroups). tail: client",
    "exit → server idle (sshd: session processes gone; node: recording published), not timed.",
  );
  if (r.sshd.throughput.length < 3) {
    out.push(
      "Fewer than 3 throughput runs: medians of so few samples say little on a noisy machine.",
    );
  }
  return `${out.join("\n")}\n`;
}
