import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { tempDir } from "../helpers/tmp.js";
import { bpfObjectPath, isLibbpfError, libbpfVersion, openBpfObject } from "../../src/bpf/index.js";

const isRoot = process.getuid?.() === 0;
const needsRoot = isRoot
  ? false
  : "needs root: loading BPF programs requires CAP_BPF and CAP_PERFMON";

// libbpf finds tracepoint ids in tracefs; some minimal VMs boot without it mounted.
function ensureTracefs(t: TestContext): void {
  if (existsSync("/sys/kernel/tracing/events") || existsSync("/sys/kernel/debug/tracing/events")) {
    return;
  }
  execFileSync("mount", ["-t", "tracefs", "nodev", "/sys/kernel/tracing"]);
  t.diagnostic("mounted tracefs at /sys/kernel/tracing for this test");
  // Tests leave no mounts behind; lazy so that a still-open object does not block it.
  t.after(() => execFileSync("umount", ["-l", "/sys/kernel/tracing"]));
}

test("libbpfVersion matches the installed libbpf-dev", () => {
  const version = libbpfVersion();
  assert.match(version, /^1\.\d+$/);
  const installed = execFileSync("pkg-config", ["--modversion", "libbpf"], { encoding: "utf8" });
  assert.equal(version, installed.trim().split(".").slice(0, 2).join("."));
});

test("bpfObjectPath points into build/bpf", () => {
  assert.match(bpfObjectPath("probe"), /\/build\/bpf\/probe\.bpf\.o$/);
  assert.throws(() => bpfObjectPath("../probe"), /invalid BPF object name/);
});

test("probe object attaches, counts execs, and stops on close", { skip: needsRoot }, (t) => {
  ensureTracefs(t);
  const obj = openBpfObject(bpfObjectPath("probe"));
  try {
    assert.equal(obj.closed, false);
    const before = obj.readArrayU64("exec_count", 0);
    obj.attach();
    assert.throws(() => obj.attach(), /already attached/);

    // The counter is system-wide, so other execs may add to it: only require growth by ours.
    let after = before;
    for (let attempt = 0; attempt < 20 && after < before + 3n; attempt++) {
      for (let i = 0; i < 3; i++) execFileSync("/bin/true");
      after = obj.readArrayU64("exec_count", 0);
    }
    assert.ok(after >= before + 3n, `exec_count went from ${before} to ${after}`);

    assert.throws(() => obj.readArrayU64("no_such_map", 0), /no map 'no_such_map'/);
    assert.throws(() => obj.readArrayU64("exec_count", 1), RangeError);
  } finally {
    obj.close();
  }
  assert.equal(obj.closed, true);
  obj.close(); // a second close is harmless
  assert.throws(() => obj.readArrayU64("exec_count", 0), /BPF object .*probe\.bpf\.o is closed/);
  assert.throws(() => obj.attach(), /is closed/);
});

test("opening a missing file names the path", () => {
  const path = join(tempDir(), "missing.bpf.o");
  assert.throws(
    () => openBpfObject(path),
    (error: unknown) => {
      assert.ok(isLibbpfError(error), `not a libbpf error: ${String(error)}`);
      assert.ok(error.message.includes(path), error.message);
      assert.match(error.message, /No such file or directory/);
      return true;
    },
  );
});

test("opening a garbage file fails cleanly", () => {
  const path = join(tempDir(), "garbage.bpf.o");
  writeFileSync(path, randomBytes(4096));
  assert.throws(
    () => openBpfObject(path),
    (error: unknown) => {
      assert.ok(isLibbpfError(error), `not a libbpf error: ${String(error)}`);
      assert.ok(error.message.startsWith(`failed to open BPF object ${path}: `), error.message);
      return true;
    },
  );
});
