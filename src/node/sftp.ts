// The sftp subsystem runs OpenSSH's sftp-server, as sshd's "Subsystem sftp" line does; where it
// lives differs between distributions.
import { accessSync, constants } from "node:fs";

export const SFTP_SERVER_PATHS: readonly string[] = [
  "/usr/lib/openssh/sftp-server", // Debian, Ubuntu
  "/usr/libexec/openssh/sftp-server", // RHEL, Fedora, SUSE
  "/usr/lib/ssh/sftp-server", // Arch, Alpine
  "/usr/libexec/sftp-server", // macOS, BSDs
];

/** The first executable sftp-server of `candidates`, or undefined. */
export function findSftpServer(candidates: readonly string[]): string | undefined {
  return candidates.find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export function sftpMissingMessage(candidates: readonly string[]): string {
  return (
    "teleport: this node cannot serve SFTP (scp and sftp need it): no sftp-server at " +
    `${candidates.join(", ")}; install OpenSSH's sftp-server (Debian: apt install openssh-sftp-server)\r\n`
  );
}
