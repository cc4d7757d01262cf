// Refusing a channel open with a reason the user sees. ssh2's reject() sends an empty
// description, so OpenSSH would only print "open failed: administratively prohibited"; here the
// one CHANNEL_OPEN_FAILURE packet reject() sends carries our message instead.
import type { Connection, RejectConnection } from "ssh2";

/** RFC 4254 §5.1 reason codes. */
const REASON_CODES = { prohibited: 1, "connect-failed": 2 } as const;

type ChannelOpenFail = (remote: number, reason: number, description: string) => void;

export function rejectChannel(
  conn: Connection,
  reject: RejectConnection,
  reason: keyof typeof REASON_CODES,
  message: string,
): void {
  // ssh2 keeps its protocol object to itself; without it (another ssh2 version) the channel is
  // still refused, only without the message.
  const protocol: unknown = Reflect.get(conn, "_protocol");
  const original: unknown =
    typeof protocol === "object" && protocol !== null
      ? Reflect.get(protocol, "channelOpenFail")
      : undefined;
  if (typeof protocol !== "object" || protocol === null || typeof original !== "function") {
    return reject();
  }
  const send = original as ChannelOpenFail;
  const withMessage: ChannelOpenFail = (remote) =>
    send.call(protocol, remote, REASON_CODES[reason], message);
  const own = Object.hasOwn(protocol, "channelOpenFail");
  Reflect.set(protocol, "channelOpenFail", withMessage);
  try {
    reject();
  } finally {
    if (own) Reflect.set(protocol, "channelOpenFail", original);
    else Reflect.deleteProperty(protocol, "channelOpenFail");
  }
}
