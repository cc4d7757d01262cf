// Host accounts: the login's uid, gid, groups, home and shell, as getent and id report them
// (so NSS sources such as LDAP count, not only /etc/passwd).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { UnknownLoginError } from "./errors.js";

const run = promisify(execFile);

export interface HostUser {
  login: string;
  uid: number;
  gid: number;
  groups: number[];
  home: string;
  shell: string;
}

const LOGIN = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\$?$/;

/** The account for `login`; UnknownLoginError when the host has none. */
export async function lookupHostUser(login: string): Promise<HostUser> {
  if (!LOGIN.test(login)) throw new UnknownLoginError(`"${login}" is not a valid login name`);
  let line: string;
  try {
    line = (await run("getent", ["passwd", login])).stdout.trim();
  } catch {
    throw new UnknownLoginError(
      `login "${login}" does not exist on this host: create it (useradd) or use another login`,
    );
  }
  const [, , uid, gid, , home, shell] = line.split(":");
  const groups = (await run("id", ["-G", login])).stdout
    .trim()
    .split(/\s+/)
    .filter((g) => g !== "")
    .map(Number);
  return {
    login,
    uid: Number(uid),
    gid: Number(gid),
    groups,
    home: home || "/",
    shell: shell || "/bin/sh",
  };
}
