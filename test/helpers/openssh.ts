import { spawn } from "node:child_process";

export interface SshResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real OpenSSH client without blocking this process (the server it talks to may be in
 * it), with no user config and no agent: only the keys and options on the command line count.
 * `input`, when given, is its stdin. Killed by pid after 20 s so a hung login fails the test instead of hanging it.
 */
export function runOpenSsh(args: string[], input?: string): Promise<SshResult> {
  const env = { ...process.env };
  delete env["SSH_AUTH_SOCK"];
  const child = spawn(
    "ssh",
    ["-F", "/dev/null", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", ...args],
    { env, stdio: ["pipe", "pipe", "pipe"] },
  );
  // No input: stdin at end of file at once, as /dev/null would be.
  child.stdin.end(input ?? "");
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(
    () => child.pid !== undefined && process.kill(child.pid, "SIGKILL"),
    20_000,
  );
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
