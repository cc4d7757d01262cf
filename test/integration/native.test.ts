import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { loadAddon } from "../../src/bpf/addon.js";
import { bpfObjectPath, isLibbpfError, libbpfVersion } from "../../src/bpf/index.js";
import { tempDir } from "../helpers/tmp.js";

// The addon's loading of real objects, attaching and polling are in engine-native.test.ts.

function openEngine(path: string): void {
  new (loadAddon().Engine)(path, { ringBytes: {} }, () => undefined).close();
}

test("libbpfVersion matches the installed libbpf-dev", () => {
  const version = libbpfVersion();
  assert.match(version, /^1\.\d+$/);
  const installed = execFileSync("pkg-config", ["--modversion", "libbpf"], { encoding: "utf8" });
  assert.equal(version, installed.trim().split(".").slice(0, 2).join("."));
});

test("bpfObjectPath points into build/bpf", () => {
  assert.match(bpfObjectPath("session"), /\/build\/bpf\/session\.bpf\.o$/);
  assert.throws(() => bpfObjectPath("../session"), /invalid BPF object name/);
});

test("opening a missing file names the path", () => {
  const path = join(tempDir(), "missing.bpf.o");
  assert.throws(
    () => openEngine(path),
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
    () => openEngine(path),
    (error: unknown) => {
      assert.ok(isLibbpfError(error), `not a libbpf error: ${String(error)}`);
      assert.ok(error.message.startsWith(`failed to open BPF object ${path}: `), error.message);
      return true;
    },
  );
});
