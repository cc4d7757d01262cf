// What sshd adds to a session's environment beyond the account's: the client's locale (Debian's
// sshd_config has "AcceptEnv LANG LC_*"; other variables are refused) and where the connection
// comes from (SSH_CLIENT, SSH_CONNECTION). SSH_TTY is set by the launcher (--tty-env), the only
// process that can name the terminal.

export interface ConnectionEnds {
  remoteIp: string;
  remotePort: number;
  localIp: string;
  localPort: number;
}

const ACCEPTED_NAME = /^(?:LANG|LC_[A-Za-z0-9_]*)$/;

/** Whether an "env" request is taken (a NUL could not be passed to the program anyway). */
export function acceptsClientEnv(name: string, value: string): boolean {
  return ACCEPTED_NAME.test(name) && !value.includes("\0");
}

/** IPv4 clients of a dual-stack listener show as ::ffff:a.b.c.d; sshd shows a.b.c.d. */
export function plainIp(ip: string): string {
  return ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "");
}

export function connectionEnv(ends: ConnectionEnds): Record<string, string> {
  return {
    SSH_CLIENT: `${ends.remoteIp} ${ends.remotePort} ${ends.localPort}`,
    SSH_CONNECTION: `${ends.remoteIp} ${ends.remotePort} ${ends.localIp} ${ends.localPort}`,
  };
}
