// OpenSSH's sshd for bench/ssh.ts: a config of its own in a temporary folder, on a free
// 127.0.0.1 port, trusting the cluster's user CA so the certificate that logs in to a node logs in
// here too, with a host certificate from the cluster's host CA so the client checks it the same
// way. Runs in the foreground (-D) as a child of the bench, which kills it by pid, in a cgroup of
// its own, so its sessions' CPU time can be read and their end seen.
import { spawn, type ChildProcess } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  openSync,
  closeSync,
  readFileSync,
  rmdirSync,
  writeFileSync,
} from "node:fs";
import { randomUUID } from "node:crypto";
import { connect } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { cgroupCpuSeconds } from "./cgroup-cpu.js";

export const SSHD_PATH = "/usr/sbin/sshd";
/** sshd's privilege separation folder; sshd refuses to start without it. */
const PRIVSEP_DIR = "/run/sshd";

export interface SshdOptions {
  dir: string;
  port: number;
  /** "ssh-ed25519 AAAA…" of the user CA. */
  userCaKey: string;
  hostKey: { opensshPrivateKey: string; authorizedKey: string };
  hostCertificate: string;
  /** The cgroup v2 mount: sshd runs in a new cgroup under it. */
  cgroupMount: string;
}

export interface Sshd {
  pid: number;
  port: number;
  /** CPU seconds of sshd and its sessions so far. */
  cpuSeconds(): number;
  /** Whether only the listener is left: every session's processes have exited. */
  idle(): boolean;
  /** Kills sshd (by pid) and waits for it; removes /run/sshd if this module made it. */
  stop(): Promise<void>;
}

function sshdConfig(
  o: SshdOptions,
  files: Record<"hostKey" | "hostCert" | "userCa" | "pid", string>,
): string {
  return [
    `ListenAddress 127.0.0.1:${o.port}`,
    `HostKey ${files.hostKey}`,
    `HostCertificate ${files.hostCert}`,
    `PidFile ${files.pid}`,
    `TrustedUserCAKeys ${files.userCa}`,
    // The certificate's principals are the logins, as on a node.
    "AuthorizedPrincipalsFile none",
    "AuthorizedKeysFile none",
    "PermitRootLogin yes",
    "UsePAM no",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "UseDNS no",
    "PrintMotd no",
    "PrintLastLog no",
    "X11Forwarding no",
    // Many connections in a row from one address: sshd must not start dropping them.
    "MaxStartups 100",
    "LogLevel ERROR",
    "",
  ].join("\n");
}

/** Resolves once something on 127.0.0.1:port sends an SSH banner. */
async function banner(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    let data = "";
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.on("data", (d: Buffer) => {
      data += d.toString("latin1");
      if (data.includes("\n")) done(data.startsWith("SSH-2.0-OpenSSH"));
    });
    socket.on("error", () => done(false));
    socket.setTimeout(1000, () => done(false));
  });
}

export async function startSshd(o: SshdOptions): Promise<Sshd> {
  if (!existsSync(SSHD_PATH)) {
    throw new Error(
      `${SSHD_PATH} is missing: install OpenSSH's server (apt-get install openssh-server)`,
    );
  }
  const files = {
    hostKey: join(o.dir, "ssh_host_ed25519_key"),
    hostCert: join(o.dir, "ssh_host_ed25519_key-cert.pub"),
    userCa: join(o.dir, "user_ca.pub"),
    pid: join(o.dir, "sshd.pid"),
  };
  writeFileSync(files.hostKey, o.hostKey.opensshPrivateKey, { mode: 0o600 });
  writeFileSync(`${files.hostKey}.pub`, `${o.hostKey.authorizedKey}\n`);
  writeFileSync(files.hostCert, `${o.hostCertificate}\n`);
  writeFileSync(files.userCa, `${o.userCaKey}\n`);
  const configPath = join(o.dir, "sshd_config");
  writeFileSync(configPath, sshdConfig(o, files));
  const madePrivsep = !existsSync(PRIVSEP_DIR);
  if (madePrivsep) mkdirSync(PRIVSEP_DIR, { mode: 0o755 });
  const removePrivsep = (): void => {
    if (madePrivsep && existsSync(PRIVSEP_DIR)) rmdirSync(PRIVSEP_DIR);
  };

  const cgroup = join(o.cgroupMount, `teleport-bench-sshd-${randomUUID().slice(0, 8)}`);
  mkdirSync(cgroup);
  const removeCgroup = (): void => {
    if (existsSync(cgroup)) rmdirSync(cgroup);
  };

  const logPath = join(o.dir, "sshd.log");
  const log = openSync(logPath, "a");
  let child: ChildProcess;
  try {
    // -e: log to stderr (the log file) instead of syslog.
    child = spawn(SSHD_PATH, ["-D", "-e", "-f", configPath], { stdio: ["ignore", log, log] });
  } finally {
    closeSync(log);
  }
  const pid = child.pid;
  if (pid === undefined) {
    removePrivsep();
    removeCgroup();
    throw new Error(`${SSHD_PATH} did not start: ${readFileSync(logPath, "utf8").trim()}`);
  }
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(pid, "SIGTERM");
      await exited;
    }
    removePrivsep();
    removeCgroup();
  };
  try {
    // Before it can accept a connection: its sessions are forked inside.
    writeFileSync(join(cgroup, "cgroup.procs"), String(pid));
  } catch (error) {
    await stop();
    throw error;
  }
  const deadline = Date.now() + 10_000;
  while (!(await banner(o.port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(
        `sshd did not come up on 127.0.0.1:${o.port}: ${readFileSync(logPath, "utf8").trim() || "no output"}`,
      );
    }
    await sleep(50);
  }
  return {
    pid,
    port: o.port,
    cpuSeconds: () => cgroupCpuSeconds(cgroup),
    idle: () => readFileSync(join(cgroup, "cgroup.procs"), "utf8").trim() === String(pid),
    stop,
  };
}
