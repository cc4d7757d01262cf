import { spawn } from "node:child_process";

export interface SshResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs an OpenSSH client program without blocking this process (the server it talks to may be
 * in it), with no user config and no agent: only the keys and options on the command line count.
 * `input`, when given, is its stdin. Killed by pid after `timeoutMs` so a hung login or transfer
 * fails the test instead of hanging it.
 */
export function runOpenSshTool(
  tool: "ssh" | "scp" | "sftp",
  args: string[],
  options: { input?: string | undefined; timeoutMs: number },
): Promise<SshResult> {
  const env = { ...process.env };
  delete env["SSH_AUTH_SOCK"];
  const child = spawn(tool, ["-F", "/dev/null", "-o", "BatchMode=yes", ...args], {
    env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  // No input: stdin at end of file at once, as /dev/null would be.
  child.stdin.end(options.input ?? "");
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(
    () => child.pid !== undefined && process.kill(child.pid, "SIGKILL"),
    options.timeoutMs,
  );
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** The real ssh client (see runOpenSshTool), giving up on a connection after 10 s, on all after 20 s. */
export function runOpenSsh(args: string[], input?: string): Promise<SshResult> {
  return runOpenSshTool("ssh", ["-o", "ConnectTimeout=10", ...args], { input, timeoutMs: 20_000 });
}

/** What an OpenSSH client logs in with: a key, its certificate, and known_hosts for the host CA. */
export interface CertificateLoginFiles {
  keyFile: string;
  certFile: string;
  /** Trusts the cluster's host CA ("@cert-authority"). */
  knownHosts: string;
}

/** OpenSSH options trusting only the host CA in `knownHosts` and offering only the certificate. */
export function certificateLoginOptions(files: CertificateLoginFiles): string[] {
  return [
    "-o",
    `UserKnownHostsFile=${files.knownHosts}`,
    "-o",
    "GlobalKnownHostsFile=/dev/null",
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    "IdentitiesOnly=yes",
    "-i",
    files.keyFile,
    "-o",
    `CertificateFile=${files.certFile}`,
  ];
}
