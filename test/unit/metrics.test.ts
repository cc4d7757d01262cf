import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { startDiagServer, type DiagServer } from "../../src/daemon/diag.js";
import { createDaemonMetrics } from "../../src/metrics/index.js";
import { sample, scrape } from "../helpers/metrics.js";
import { freePort } from "../helpers/net.js";

describe("daemon metrics", () => {
  it("count active sessions and read the upload queue at each scrape", async () => {
    const metrics = createDaemonMetrics();
    metrics.node.sessionStarted();
    metrics.node.sessionStarted();
    metrics.node.sessionEnded();
    const queue = { size: 3 };
    const unwatch = metrics.node.watchUploadQueue(queue);

    let text = await metrics.render();
    assert.equal(sample(text, "teleport_active_sessions"), 1);
    assert.equal(sample(text, "teleport_upload_queue"), 3);
    queue.size = 1;
    assert.equal(sample(await metrics.render(), "teleport_upload_queue"), 1);

    unwatch();
    text = await metrics.render();
    assert.equal(sample(text, "teleport_upload_queue"), 0);
  });

  it("keep reading a newer source when an older one is unwatched (a node restarted in-process)", async () => {
    const metrics = createDaemonMetrics();
    const unwatchOld = metrics.node.watchUploadQueue({ size: 5 });
    metrics.node.watchUploadQueue({ size: 2 });
    unwatchOld();
    assert.equal(sample(await metrics.render(), "teleport_upload_queue"), 2);
  });

  it("describe the enhanced recording metrics, with no samples while no recorder is watched", async () => {
    const text = await createDaemonMetrics().render();
    for (const [name, type] of [
      ["teleport_enhanced_events_total", "counter"],
      ["teleport_enhanced_events_lost_total", "counter"],
      ["teleport_enhanced_ring_used_bytes", "gauge"],
      ["teleport_enhanced_ring_size_bytes", "gauge"],
    ] as const) {
      assert.match(text, new RegExp(`^# TYPE ${name} ${type}$`, "m"));
      assert.doesNotMatch(text, new RegExp(`^${name}\\{`, "m"));
    }
  });

  it("include the process metrics, and keep each daemon's numbers apart", async () => {
    const first = createDaemonMetrics();
    const second = createDaemonMetrics();
    first.node.sessionStarted();
    const text = await second.render();
    assert.equal(sample(text, "teleport_active_sessions"), 0);
    assert.notEqual(sample(text, "process_cpu_user_seconds_total"), undefined);
    assert.notEqual(sample(text, "nodejs_heap_size_used_bytes"), undefined);
    assert.equal(sample(await first.render(), "teleport_active_sessions"), 1);
  });
});

describe("diagnostic endpoint", () => {
  const metrics = createDaemonMetrics();
  let diag: DiagServer | undefined;
  after(() => diag?.close());

  it("serves /metrics in the Prometheus text format next to /healthz and /readyz", async () => {
    const port = await freePort();
    diag = await startDiagServer("127.0.0.1", port, metrics);
    metrics.node.sessionStarted();

    const scraped = await scrape(port);
    assert.equal(scraped.status, 200);
    assert.equal(scraped.contentType, "text/plain; version=0.0.4; charset=utf-8");
    assert.equal(sample(scraped.text, "teleport_active_sessions"), 1);
    assert.equal((await scrape(port, "/metrics?name[]=x")).status, 200);

    assert.equal((await scrape(port, "/healthz")).status, 200);
    assert.equal((await scrape(port, "/readyz")).status, 503);
    diag.setReady(true);
    assert.equal((await scrape(port, "/readyz")).status, 200);

    const unknown = await scrape(port, "/metric");
    assert.equal(unknown.status, 404);
    assert.deepEqual(JSON.parse(unknown.text), {
      error: "no such endpoint /metric: try /healthz, /readyz or /metrics",
    });
  });
});
