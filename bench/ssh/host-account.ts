// The login bench/ssh.ts uses by default: a throwaway host account whose shell is /bin/sh. Its
// `sh -c true` reads no startup files, so the latency is the servers' own. root's bash would
// source ~/.bashrc under both (sshd sets SSH_CLIENT; a node gives it a socket for stdin), and
// whatever that file runs would count as much as the servers themselves.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync } from "node:fs";
import { join } from "node:path";

export interface HostAccount {
  login: string;
  /** Deletes the account (its home goes with the bench's temporary folder). */
  remove(): void;
}

/** Creates the account with its home in `dir`, which becomes traversable by everyone. */
export function addHostAccount(dir: string): HostAccount {
  const login = `tb${randomBytes(4).toString("hex")}`;
  chmodSync(dir, 0o711);
  execFileSync("useradd", [
    "--create-home",
    "--home-dir",
    join(dir, login),
    "--shell",
    "/bin/sh",
    "--user-group",
    // "*": no password, yet not locked ("!"), which sshd without PAM would refuse.
    "--password",
    "*",
    login,
  ]);
  return { login, remove: () => void execFileSync("userdel", [login]) };
}
