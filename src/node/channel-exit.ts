// Telling the client how the session's program ended (RFC 4254 §6.10): exit-status with its
// code, or exit-signal with the signal that killed it.
import { constants } from "node:os";
import type { ServerChannel } from "ssh2";
import type { ProcessExit } from "./process.js";

// The names RFC 4254 defines; ssh2 refuses to send any other (sshd sends "SIG@openssh.com").
const RFC_4254_SIGNALS: ReadonlySet<string> = new Set([
  "ABRT",
  "ALRM",
  "FPE",
  "HUP",
  "ILL",
  "INT",
  "KILL",
  "PIPE",
  "QUIT",
  "SEGV",
  "TERM",
  "USR1",
  "USR2",
]);

export function sendExit(channel: ServerChannel, exit: ProcessExit): void {
  if ("code" in exit) {
    channel.exit(exit.code);
  } else if (RFC_4254_SIGNALS.has(exit.signal)) {
    channel.exit(exit.signal, false, "");
  } else {
    // Another signal (BUS, SYS…) as a shell reports it, so the client still sees a failure.
    const number = (constants.signals as Record<string, number | undefined>)[`SIG${exit.signal}`];
    channel.exit(128 + (number ?? 0));
  }
}
