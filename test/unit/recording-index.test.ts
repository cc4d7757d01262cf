import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  dataFileName,
  fileKindOfEvent,
  indexFileName,
  parseDataFileName,
  sessionsDir,
  uploadDir,
  InvalidNameError,
} from "../../src/recording/index.js";
import { parseIndex } from "../../src/recording/index-format.js";

const sid = "fad07202-35bb-11ea-83aa-125400432324";
const header = `{"sid":"${sid}","start_time":"2024-05-01T10:00:00Z","type":"recording","version":1}`;
const entry = (type: string, name: string): string =>
  `{"file_name":"${name}","index":0,"offset":0,"type":"${type}"}`;

describe("recording file names (DESIGN §5)", () => {
  it("match the guide's tree", () => {
    assert.equal(dataFileName(sid, "chunks"), `${sid}-0.chunks.gz`);
    assert.equal(dataFileName(sid, "events"), `${sid}-0.events.gz`);
    assert.equal(dataFileName(sid, "session.command"), `${sid}-0.session.command-events.gz`);
    assert.equal(dataFileName(sid, "session.disk"), `${sid}-0.session.disk-events.gz`);
    assert.equal(dataFileName(sid, "session.network"), `${sid}-0.session.network-events.gz`);
    assert.equal(indexFileName(sid), `${sid}.index`);
    assert.equal(uploadDir("/var/lib/teleport"), "/var/lib/teleport/log/upload/sessions/default");
    assert.equal(
      sessionsDir("/var/lib/teleport", "1048a649"),
      "/var/lib/teleport/log/1048a649/sessions/default",
    );
  });

  it("parse back", () => {
    assert.deepEqual(parseDataFileName(`${sid}-0.session.disk-events.gz`), {
      sid,
      kind: "session.disk",
    });
    assert.equal(parseDataFileName(`${sid}.index`), undefined);
    assert.equal(parseDataFileName(`${sid}-1.events.gz`), undefined);
  });

  it("route events to their files", () => {
    assert.equal(fileKindOfEvent("session.network"), "session.network");
    assert.equal(fileKindOfEvent("session.events_lost"), "events");
    assert.equal(fileKindOfEvent("print"), "events");
  });

  it("refuse ids that are not one path component", () => {
    assert.throws(() => sessionsDir("/d", "../etc"), InvalidNameError);
    assert.throws(() => sessionsDir("/d", "a/b"), InvalidNameError);
  });
});

describe("parseIndex", () => {
  it("reads header, entries and footer", () => {
    const footer =
      '{"chunk_bytes":3,"completed_at":"2024-05-01T10:01:00Z","event_counts":{"print":1},"events":1,"final_hash":"ab","last_ei":0,"type":"footer"}';
    const text = [
      header,
      entry("chunks", `${sid}-0.chunks.gz`),
      entry("events", `${sid}-0.events.gz`),
      footer,
      "",
    ].join("\n");
    const index = parseIndex(text, "/x.index", sid);
    assert.deepEqual(index.damage, []);
    assert.deepEqual(index.kinds, ["chunks", "events"]);
    assert.equal(index.header?.start_time, "2024-05-01T10:00:00Z");
    assert.equal(index.footer?.last_ei, 0);
  });

  it("reports bad lines by number and keeps the good ones", () => {
    const text = [
      header,
      "not json",
      entry("events", "../../etc/passwd"),
      entry("chunks", `${sid}-0.chunks.gz`),
      '{"type":"footer"',
    ].join("\n");
    const index = parseIndex(text, "/x.index", sid);
    assert.deepEqual(index.kinds, ["chunks"]);
    assert.deepEqual(
      index.damage.map((d) => [d.damage, d.line]),
      [
        ["index-line", 2],
        ["index-line", 3],
        ["index-line", 5],
      ],
    );
    assert.match(index.damage[0]?.message ?? "", /^\/x\.index line 2: is not JSON/);
    assert.match(index.damage[1]?.message ?? "", /names \.\.\/\.\.\/etc\/passwd/);
    assert.match(index.damage[2]?.message ?? "", /incomplete \(no newline\)/);
  });
});
