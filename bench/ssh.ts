// OpenSSH's sshd against this project's SSH node (a benchmark, never a test: nothing here fails
// on a time).
//
//   node --import tsx bench/ssh.ts [--quick] [--runs N] [--latency-runs N] [--login NAME]
//                                  [--kex ALG|default] [--data zero|random]
//
// In one run, on this host: an auth server and two nodes in this process (enhanced recording off,
// and on), and OpenSSH's sshd on its own config, trusting the cluster's user CA, so one user
// certificate logs in to all three. The same client (the real `ssh`, no config, no connection
// sharing, no compression, default cipher, one key exchange for all) measures each: bulk throughput
// (`head -c 200M /dev/zero` through exec, counted by wc -c) and login latency (`ssh host true`).
// Runs interleave the servers (A, B, C, B, C, A…) so machine noise hits all alike. Results are
// medians, with ratios to sshd next to the targets (throughput ≥ 0.9 × sshd, latency ≤ 1.5 ×
// sshd). A missed target still exits 0; a failed run (ssh exit ≠ 0, wrong byte count) exits 1.
// Run as root, after `npm run build`. See bench/README.md.
import { spawnSync } from "node:child_process";
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "../test/helpers/net.js";
import { negotiated, RunFailed, runTimed, sshArgs, type Target } from "./ssh/client.js";
import { cgroupCpuSeconds } from "./ssh/cgroup-cpu.js";
import { startCluster, type BenchCluster, type BenchNode } from "./ssh/cluster.js";
import { parseBenchArgs } from "./lib/args.js";
import { Cleanups } from "./lib/cleanups.js";
import { checkPrerequisites } from "./lib/prerequisites.js";
import { median } from "./lib/median.js";
import { runBench } from "./lib/run-bench.js";
import { addHostAccount } from "./ssh/host-account.js";
import { formatReport, type BenchReport, type ServerReport } from "./ssh/report.js";
import { SSHD_PATH, startSshd } from "./ssh/sshd.js";

// ---- options ---------------------------------------------------------------------------------

/**
 * OpenSSH 9 prefers sntrup761x25519-sha512, which sshd has and ssh2 has not: left to the client,
 * sshd would pay for a post-quantum exchange (tens of ms here) that the nodes do not.
 */
const DEFAULT_KEX = "curve25519-sha256";

interface BenchOptions {
  runs: number;
  latencyRuns: number;
  /** An existing login to use instead of a throwaway /bin/sh account. */
  login: string | undefined;
  /** The key exchange every connection uses; undefined: the client's default. */
  kex: string | undefined;
  /** Where the bulk bytes come from: /dev/zero, or /dev/urandom (output that does not compress). */
  source: string;
}

const SOURCES: Record<string, string> = { zero: "/dev/zero", random: "/dev/urandom" };

const USAGE = `usage: node --import tsx bench/ssh.ts [options]
  --runs N          throughput runs per server (default 5; 2 with --quick)
  --latency-runs N  \`ssh host true\` runs per server (default 50; 10 with --quick)
  --quick           fewer runs, for a smoke run
  --login NAME      log in as this existing account (default: a throwaway account whose
                    shell is /bin/sh, created for the run and deleted after it)
  --kex ALG|default key exchange for every connection (default curve25519-sha256, which
                    both servers implement); "default" leaves it to the client, which then
                    agrees on a different one with each server
  --data zero|random  the bulk bytes: zeros (default), or random bytes from /dev/urandom,
                    output that does not compress (as \`tar czf -\` or a binary gives)
  -h, --help        this text`;

function count(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new Error(`${name} must be an integer from 1 to 1000, got ${value}`);
  }
  return n;
}

function source(data: string): string {
  const path = SOURCES[data];
  if (path === undefined) throw new Error(`--data must be zero or random, got ${data}`);
  return path;
}

function parseOptions(argv: string[]): BenchOptions {
  const values = parseBenchArgs(
    argv,
    {
      runs: { type: "string" },
      "latency-runs": { type: "string" },
      quick: { type: "boolean", default: false },
      login: { type: "string" },
      kex: { type: "string", default: DEFAULT_KEX },
      data: { type: "string", default: "zero" },
    },
    USAGE,
  );
  return {
    runs: count(values.runs, values.quick ? 2 : 5, "--runs"),
    latencyRuns: count(values["latency-runs"], values.quick ? 10 : 50, "--latency-runs"),
    login: values.login,
    kex: values.kex === "default" ? undefined : values.kex,
    source: source(values.data),
  };
}

// ---- the run ---------------------------------------------------------------------------------

/** `head -c 200M`: 200 MiB. */
const BYTES = 200 * 1024 * 1024;
const THROUGHPUT_TIMEOUT_MS = 300_000;
const LATENCY_TIMEOUT_MS = 30_000;
/** How long a node may take to get a session's recording published once the client is done. */
const SETTLE_TIMEOUT_MS = 60_000;

interface Server extends Target {
  node: boolean;
  /** CPU seconds the server and its sessions have used so far. */
  cpuSeconds(): number;
  /** Whether a session's tail is over (sshd: its processes gone; nodes: see settle). */
  idle(): boolean | Promise<boolean>;
  report: ServerReport;
}

function newReport(label: string): ServerReport {
  return {
    label,
    algorithms: "",
    throughput: [],
    latency: [],
    throughputCpu: [],
    latencyCpu: [],
    throughputTail: [],
    latencyTail: [],
  };
}

/** The first `name` on PATH that is executable: run-timed takes a path. */
function onPath(name: string): string {
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  throw new Error(
    `${name} is not on PATH: install the OpenSSH client (apt-get install openssh-client)`,
  );
}

const RUN_TIMED_SOURCE = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "run-timed.c");

function compileRunTimed(dir: string): string {
  const out = join(dir, "run-timed");
  const result = spawnSync("cc", ["-O2", "-Wall", "-Wextra", "-o", out, RUN_TIMED_SOURCE], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (result.error !== undefined) throw new Error(`cc run-timed.c: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`cc run-timed.c failed:\n${result.stderr}`);
  return out;
}

/** CPU seconds of this process, every thread (the nodes, auth, and the bench's little share). */
function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** The run's result, or its RunFailed with the server's name in front. */
async function labelled<T>(server: Target, run: Promise<T>): Promise<T> {
  try {
    return await run;
  } catch (error) {
    if (error instanceof RunFailed) throw new RunFailed(`${server.label}: ${error.message}`);
    throw error;
  }
}

class Bench {
  private readonly cleanups = new Cleanups();
  private servers: Server[] = [];
  private cluster!: BenchCluster;
  private runTimedPath = "";
  private ssh = "";
  private login = "";
  private client = "";
  /** Node sessions so far: auth has published this many recordings once the nodes are idle. */
  private nodeSessions = 0;
  private startedAt = 0;

  constructor(private readonly options: BenchOptions) {}

  private log(line: string): void {
    process.stderr.write(`${line}\n`);
  }

  async setUp(): Promise<void> {
    this.startedAt = Date.now();
    checkPrerequisites("BPF, cgroups, sshd");
    this.ssh = onPath("ssh");
    this.client = spawnSync(this.ssh, ["-V"], { encoding: "utf8" }).stderr.trim();
    const dir = mkdtempSync(join(tmpdir(), "teleport-bench-ssh-"));
    this.cleanups.add(() => rmSync(dir, { recursive: true, force: true }));
    this.runTimedPath = compileRunTimed(dir);

    if (this.options.login === undefined) {
      const account = addHostAccount(dir);
      this.cleanups.add(() => account.remove());
      this.login = account.login;
    } else {
      this.login = this.options.login;
    }

    this.log("starting auth, two nodes and sshd");
    const clusterDir = join(dir, "cluster");
    mkdirSync(clusterDir);
    this.cluster = await startCluster(clusterDir, this.login);
    this.cleanups.add(() => this.cluster.close());
    const off = await this.cluster.startNode("bench-off", false);
    const on = await this.cluster.startNode("bench-on", true);

    const sshdDir = join(dir, "sshd");
    mkdirSync(sshdDir);
    const host = this.cluster.hostKeyWithCertificate("127.0.0.1");
    const sshd = await startSshd({
      dir: sshdDir,
      port: await freePort(),
      userCaKey: this.cluster.userCaKey,
      hostKey: host.key,
      hostCertificate: host.certificate,
      cgroupMount: this.cluster.cgroupMount,
    });
    this.cleanups.add(() => sshd.stop());
    const version = spawnSync(SSHD_PATH, ["-V"], { encoding: "utf8" }).stderr;
    const sshdVersion = /OpenSSH_[^\s,]+/.exec(version)?.[0] ?? "OpenSSH";

    const nodeServer = (label: string, node: BenchNode): Server => ({
      label,
      port: node.port,
      node: true,
      cpuSeconds: () => ownCpuSeconds() + cgroupCpuSeconds(node.cgroupRoot),
      idle: async () => (await this.cluster.publishedRecordings()) >= this.nodeSessions,
      report: newReport(label),
    });
    const sshdLabel = `sshd (${sshdVersion})`;
    this.servers = [
      {
        label: sshdLabel,
        port: sshd.port,
        node: false,
        cpuSeconds: () => sshd.cpuSeconds(),
        idle: () => sshd.idle(),
        report: newReport(sshdLabel),
      },
      nodeServer("node, enhanced off", off),
      nodeServer("node, enhanced on", on),
    ];
    for (const server of this.servers) {
      server.report.algorithms = await labelled(server, negotiated(this.args(server, "true")));
      await this.settle(server);
    }
  }

  private args(server: Server, command: string): string[] {
    const kex = this.options.kex === undefined ? [] : ["-o", `KexAlgorithms=${this.options.kex}`];
    return [...kex, ...sshArgs(this.cluster.client, server, this.login, command)];
  }

  /**
   * Waits until the server is idle again, so the next run (maybe of another server) does not
   * pay for this one's tail: sshd's session processes gone, or a node's recording published by
   * auth (uploading it is part of the node's work). Returns how long that took, in ms.
   */
  private async settle(server: Server): Promise<number> {
    const start = Date.now();
    if (server.node) this.nodeSessions++;
    while (!(await server.idle())) {
      if (Date.now() - start > SETTLE_TIMEOUT_MS) {
        throw new Error(
          server.node
            ? `${server.label}: auth has not published the session's recording ` +
                `${SETTLE_TIMEOUT_MS / 1000} s after the client exited (see the node's log)`
            : `${server.label}: the session's processes are still there ` +
                `${SETTLE_TIMEOUT_MS / 1000} s after the client exited`,
        );
      }
      await sleep(server.node ? 5 : 1);
    }
    return Date.now() - start;
  }

  /**
   * One run of `argv` under run-timed: its time (ns), its output, the CPU the server used until
   * the client exited, and the server's tail after that.
   */
  private async timed(
    server: Server,
    argv: string[],
    timeoutMs: number,
  ): Promise<{ ns: number; stdout: string; cpu: number; tail: number }> {
    const cpuBefore = server.cpuSeconds();
    const run = await labelled(server, runTimed(this.runTimedPath, argv, timeoutMs));
    const cpu = server.cpuSeconds() - cpuBefore;
    return { ...run, cpu, tail: await this.settle(server) };
  }

  private async throughput(server: Server): Promise<{ bps: number; cpu: number; tail: number }> {
    const command = `head -c ${BYTES / (1024 * 1024)}M ${this.options.source}`;
    // pipefail: a failed ssh fails the run even though wc, last in the pipe, succeeds.
    const argv = [
      "/bin/bash",
      "-c",
      'set -o pipefail; "$@" | wc -c',
      "bash",
      this.ssh,
      ...this.args(server, command),
    ];
    const run = await this.timed(server, argv, THROUGHPUT_TIMEOUT_MS);
    const bytes = Number(run.stdout.trim());
    if (bytes !== BYTES) {
      throw new RunFailed(
        `${server.label}: received ${run.stdout.trim() || "no"} bytes, not ${BYTES}`,
      );
    }
    return { bps: (bytes * 1e9) / run.ns, cpu: run.cpu, tail: run.tail };
  }

  private async latency(server: Server): Promise<{ ms: number; cpu: number; tail: number }> {
    const run = await this.timed(
      server,
      [this.ssh, ...this.args(server, "true")],
      LATENCY_TIMEOUT_MS,
    );
    return { ms: run.ns / 1e6, cpu: run.cpu, tail: run.tail };
  }

  /** The servers in a different order each round: A B C, B C A, C A B, … */
  private order(round: number): Server[] {
    const n = this.servers.length;
    return this.servers.map((_, i) => this.servers[(i + round) % n] as Server);
  }

  async run(): Promise<void> {
    this.log("warm-up: one run of each kind per server (discarded)");
    for (const server of this.servers) {
      await this.throughput(server);
      await this.latency(server);
    }
    for (let round = 0; round < this.options.runs; round++) {
      const results: string[] = [];
      for (const server of this.order(round)) {
        const { bps, cpu, tail } = await this.throughput(server);
        server.report.throughput.push(bps);
        server.report.throughputCpu.push(cpu);
        server.report.throughputTail.push(tail);
        results.push(`${server.label} ${(bps / (1024 * 1024)).toFixed(0)} MiB/s`);
      }
      this.log(`throughput ${round + 1}/${this.options.runs}: ${results.join(", ")}`);
    }
    for (let round = 0; round < this.options.latencyRuns; round++) {
      for (const server of this.order(round)) {
        const { ms, cpu, tail } = await this.latency(server);
        server.report.latency.push(ms);
        server.report.latencyCpu.push(cpu);
        server.report.latencyTail.push(tail);
      }
      if ((round + 1) % 10 === 0 || round + 1 === this.options.latencyRuns) {
        const medians = this.servers.map(
          (s) => `${s.label} ${median(s.report.latency).toFixed(1)} ms`,
        );
        this.log(
          `latency ${round + 1}/${this.options.latencyRuns}: medians so far ${medians.join(", ")}`,
        );
      }
    }
  }

  report(): BenchReport {
    const [sshd, ...nodes] = this.servers.map((s) => s.report);
    if (sshd === undefined) throw new Error("no servers were measured");
    return {
      client: this.client,
      login: this.login,
      bytes: BYTES,
      source: this.options.source,
      sshd,
      nodes,
      seconds: (Date.now() - this.startedAt) / 1000,
    };
  }

  cleanUp(): Promise<string[]> {
    return this.cleanups.run();
  }
}

// ---- main ------------------------------------------------------------------------------------

process.exitCode = await runBench({
  name: "ssh",
  usage: USAGE,
  parseOptions,
  create: (options) => new Bench(options),
  format: formatReport,
  messageOnly: (failure) => failure instanceof RunFailed,
});
