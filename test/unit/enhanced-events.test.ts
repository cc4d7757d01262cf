import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ConnectRecord, ExecRecord, OpenRecord } from "../../src/bpf/records.js";
import {
  enhancedEvent,
  eventJsonLine,
  eventTime,
  type SessionEventContext,
} from "../../src/events/index.js";

// The guide's examples, verbatim (docs/enhanced-session-recording-guide.txt, "Inspect the audit log").
const guideCommand = {
  argv: ["https://wttr.in"],
  cgroup_id: 2360,
  cluster_name: "purple",
  code: "T4000I",
  ei: 50,
  event: "session.command",
  login: "ec2-user",
  namespace: "default",
  path: "/bin/curl",
  pid: 5007,
  ppid: 4985,
  program: "curl",
  return_code: 0,
  server_hostname: "ip-172-31-34-128.us-east-2.compute.internal",
  server_id: "531dc1de-c2c9-49bd-a0e3-4f4f3a523f5f",
  sid: "86aca627-971d-4883-854d-d309ba04c658",
  time: "2023-07-04T16:42:20.54Z",
  uid: "9b825e22-744d-4130-94c5-dea49198ae3d",
  user: "[email protected]",
};

const guideNetwork = {
  action: 0,
  cgroup_id: 2360,
  cluster_name: "purple",
  code: "T4002I",
  dst_addr: "5.9.243.187",
  dst_port: 443,
  ei: 51,
  event: "session.network",
  login: "ec2-user",
  namespace: "default",
  operation: 0,
  pid: 5007,
  program: "curl",
  server_hostname: "ip-172-31-34-128.us-east-2.compute.internal",
  server_id: "531dc1de-c2c9-49bd-a0e3-4f4f3a523f5f",
  sid: "86aca627-971d-4883-854d-d309ba04c658",
  src_addr: "172.31.34.128",
  time: "2023-07-04T16:42:20.55Z",
  uid: "da151350-bf45-4a04-a62b-7a4fc805e744",
  user: "[email protected]",
  version: 4,
};

function context(ei: number, time: string, uid: string): SessionEventContext {
  return {
    sid: "86aca627-971d-4883-854d-d309ba04c658",
    ei,
    time: new Date(time),
    uid,
    namespace: "default",
    cluster_name: "purple",
    user: "[email protected]",
    login: "ec2-user",
    server_id: "531dc1de-c2c9-49bd-a0e3-4f4f3a523f5f",
    server_hostname: "ip-172-31-34-128.us-east-2.compute.internal",
  };
}

const header = {
  sessionKey: 1n,
  cgroupId: 2360n,
  ktimeNs: 0n,
  pid: 5007,
  ppid: 4985,
  comm: "curl",
};

describe("event time", () => {
  it("is RFC 3339 UTC without trailing zeros, like Teleport's", () => {
    assert.equal(eventTime(new Date("2023-07-04T16:42:20.540Z")), "2023-07-04T16:42:20.54Z");
    assert.equal(eventTime(new Date("2023-07-04T16:42:20.000Z")), "2023-07-04T16:42:20Z");
    assert.equal(eventTime(new Date("2023-07-04T16:42:20.001Z")), "2023-07-04T16:42:20.001Z");
    assert.equal(eventTime(new Date("2023-07-04T16:42:20.100Z")), "2023-07-04T16:42:20.1Z");
  });
});

describe("enhanced recording events", () => {
  it("session.command has exactly the guide's fields, types and code", () => {
    const record: ExecRecord = {
      ...header,
      kind: "exec",
      returnCode: 0,
      path: "/bin/curl",
      argv: ["curl", "https://wttr.in"],
      pathTruncated: false,
      pathUnreadable: false,
      argsTruncated: false,
      argsUnreadable: false,
    };
    const event = enhancedEvent(record, context(50, guideCommand.time, guideCommand.uid));
    assert.deepEqual(JSON.parse(eventJsonLine(event)), guideCommand);
    assert.equal(
      eventJsonLine(event),
      `${JSON.stringify(guideCommand)}\n`,
      "keys in the guide's (alphabetical) order",
    );
  });

  it("session.network has exactly the guide's fields, types and code", () => {
    const record: ConnectRecord = {
      ...header,
      kind: "connect",
      version: 4,
      srcAddr: "172.31.34.128",
      dstAddr: "5.9.243.187",
      srcPort: 0,
      dstPort: 443,
    };
    const event = enhancedEvent(record, context(51, guideNetwork.time, guideNetwork.uid));
    assert.equal(eventJsonLine(event), `${JSON.stringify(guideNetwork)}\n`);
  });

  it("session.disk carries path, flags and return_code with code T4001I", () => {
    const record: OpenRecord = {
      ...header,
      comm: "cat",
      kind: "open",
      returnCode: 3,
      flags: 0,
      path: "/etc/hostname",
      pathTruncated: false,
      pathUnreadable: false,
    };
    const event = enhancedEvent(record, context(7, "2023-07-04T16:42:21.000Z", "u"));
    assert.deepEqual(
      [
        event.event,
        event.code,
        "path" in event && event.path,
        "flags" in event && event.flags,
        "return_code" in event && event.return_code,
      ],
      ["session.disk", "T4001I", "/etc/hostname", 0, 3],
    );
  });

  it("marks truncated arguments instead of passing them off as complete", () => {
    const record: ExecRecord = {
      ...header,
      kind: "exec",
      returnCode: 0,
      path: "/bin/echo",
      argv: ["echo", "x"],
      pathTruncated: false,
      pathUnreadable: false,
      argsTruncated: true,
      argsUnreadable: false,
    };
    const event = enhancedEvent(record, context(1, "2023-07-04T16:42:21.000Z", "u"));
    assert.equal("argv_truncated" in event && event.argv_truncated, true);
  });
});
