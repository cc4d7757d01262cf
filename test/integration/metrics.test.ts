import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EVENT_KINDS, type EnhancedRecorder } from "../../src/bpf/index.js";
import { startDiagServer, type DiagServer } from "../../src/daemon/diag.js";
import { createDaemonMetrics } from "../../src/metrics/index.js";
import {
  commands,
  connects,
  needsRoot,
  opens,
  recordSession,
  useTestRecorder,
} from "../helpers/engine.js";
import { sample, scrape } from "../helpers/metrics.js";
import { freePort } from "../helpers/net.js";

describe("/metrics of enhanced recording (real kernel)", { skip: needsRoot }, () => {
  // Different sizes per kind, so that a kind reported with another kind's ring shows.
  const recorderOf = useTestRecorder({ bufferPages: { command: 16, disk: 256, network: 4 } });
  const ringBytes = { command: 16 * 4096, disk: 256 * 4096, network: 4 * 4096 };
  const metrics = createDaemonMetrics();
  let recorder: EnhancedRecorder;
  let diag: DiagServer | undefined;
  before(() => {
    recorder = recorderOf();
  });
  after(() => diag?.close());

  it("counts a session's events per kind, no losses, and each ring's size", async () => {
    const port = await freePort();
    diag = await startDiagServer("127.0.0.1", port, metrics);
    const unwatch = metrics.node.watchRecorder(recorder);

    const before = await scrape(port);
    assert.equal(before.status, 200, before.text);
    const run = await recordSession(recorder, [
      "/bin/sh",
      "-c",
      "/bin/true; /bin/echo metrics; /bin/ls / >/dev/null",
    ]);
    assert.equal(run.exitCode, 0, run.stderr);
    const scraped = await scrape(port);
    assert.equal(scraped.status, 200, scraped.text);

    const delta = (kind: string): number => {
      const labels = { kind };
      const was = sample(before.text, "teleport_enhanced_events_total", labels);
      const now = sample(scraped.text, "teleport_enhanced_events_total", labels);
      assert.ok(was !== undefined && now !== undefined, `no ${kind} sample:\n${scraped.text}`);
      return now - was;
    };
    const execs = commands(run);
    const names = execs.map((r) => r.comm);
    for (const name of ["sh", "true", "echo", "ls"]) assert.ok(names.includes(name), name);
    // This recorder records this session only: its counters move by exactly what it delivered.
    assert.equal(delta("command"), execs.length);
    assert.equal(delta("disk"), opens(run).length);
    assert.ok(opens(run).length > 0, "the session opened files");
    assert.equal(delta("network"), connects(run).length);

    for (const kind of EVENT_KINDS) {
      const labels = { kind };
      assert.equal(sample(scraped.text, "teleport_enhanced_events_lost_total", labels), 0, kind);
      assert.equal(
        sample(scraped.text, "teleport_enhanced_ring_size_bytes", labels),
        ringBytes[kind],
        kind,
      );
      const used = sample(scraped.text, "teleport_enhanced_ring_used_bytes", labels);
      assert.ok(used !== undefined && used >= 0 && used <= ringBytes[kind], `${kind}: ${used}`);
    }

    // Unwatched (as the node does before closing its recorder): still served, without them.
    unwatch();
    const unwatched = await scrape(port);
    assert.equal(unwatched.status, 200, unwatched.text);
    assert.equal(
      sample(unwatched.text, "teleport_enhanced_events_total", { kind: "command" }),
      undefined,
    );
    assert.equal(sample(unwatched.text, "teleport_active_sessions"), 0);
  });
});
