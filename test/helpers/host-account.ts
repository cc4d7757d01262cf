// A throwaway host account whose shell is /bin/sh. A session of it runs exactly the commands a
// test gives it: sh -c reads no startup files, whereas root's bash, started with a socket for
// stdin, sources ~/.bashrc, and every command in there would be recorded too.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { tempDir } from "./tmp.js";

export interface HostAccount {
  login: string;
  uid: number;
  gid: number;
  home: string;
  /** Deletes the account and its group (the home folder goes with the temp dir). */
  remove(): void;
}

/** Creates the account (as root) with a home under a temp dir. */
export function addHostAccount(): HostAccount {
  const login = `tt${randomBytes(4).toString("hex")}`;
  const home = join(tempDir("home-"), login);
  execFileSync("useradd", [
    "--create-home",
    "--home-dir",
    home,
    "--shell",
    "/bin/sh",
    "--user-group",
    login,
  ]);
  const id = (flag: string): number =>
    Number(execFileSync("id", [flag, login], { encoding: "utf8" }));
  return {
    login,
    uid: id("-u"),
    gid: id("-g"),
    home,
    // No --force: a process of the account still running is a leaked session, and should fail.
    remove: () => void execFileSync("userdel", [login]),
  };
}
