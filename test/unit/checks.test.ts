import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  assertEnhancedRecordingAvailable,
  checkEnhancedRecording,
  EnhancedRecordingUnavailable,
  ensureTracefs,
  parseKernelRelease,
  type CheckName,
  type CheckOptions,
  type CheckResult,
} from "../../src/bpf/checks.js";
import {
  findCgroup2Mount,
  mountPointsOfType,
  readMountinfo,
  unmountFilesystem,
} from "../../src/cgroup/index.js";
import { tempDir } from "../helpers/tmp.js";

const isRoot = process.getuid?.() === 0;
const DISABLE = "or set ssh_service.enhanced_recording.enabled: false";

/** A host that passes every check, built from fake files; each test breaks one thing. */
function fakeHost(): CheckOptions {
  const dir = tempDir();
  const btfPath = join(dir, "vmlinux");
  writeFileSync(btfPath, "");
  const procStatusPath = join(dir, "status");
  writeFileSync(procStatusPath, "Uid:\t0\t0\t0\t0\nCapEff:\t000001ffffffffff\n");
  const filesystemsPath = join(dir, "filesystems");
  writeFileSync(filesystemsPath, "nodev\tcgroup\nnodev\tcgroup2\nnodev\ttracefs\n\text4\n");
  const tracefsPath = join(dir, "tracing");
  mkdirSync(tracefsPath);
  const mountinfoPath = join(dir, "mountinfo");
  writeFileSync(mountinfoPath, "");
  return {
    cgroupPath: join(dir, "cgroup2"), // missing: mountable
    btfPath,
    kernelRelease: "6.18.44-fc-v769",
    procStatusPath,
    tracefsPath,
    filesystemsPath,
    mountinfoPath,
  };
}

function result(results: CheckResult[], name: CheckName): CheckResult {
  const found = results.find((r) => r.name === name);
  assert.ok(found !== undefined, `no ${name} check`);
  return found;
}

test("a host with everything passes every check", () => {
  const results = checkEnhancedRecording(fakeHost());
  assert.deepEqual(
    results.map((r) => [r.name, r.ok]),
    [
      ["kernel", true],
      ["btf", true],
      ["privileges", true],
      ["cgroup2", true],
      ["tracefs", true],
    ],
  );
});

test("kernel releases are parsed and compared with 5.8", () => {
  assert.deepEqual(parseKernelRelease("6.18.44-fc-v769"), { major: 6, minor: 18 });
  assert.deepEqual(parseKernelRelease("5.4.0-150-generic"), { major: 5, minor: 4 });
  assert.equal(parseKernelRelease("garbage"), undefined);
  for (const [release, ok] of [
    ["5.8.0", true],
    ["5.10.0-28-amd64", true],
    ["6.1", true],
    ["5.7.19", false],
    ["4.19.0", false],
  ] as const) {
    const kernel = result(
      checkEnhancedRecording({ ...fakeHost(), kernelRelease: release }),
      "kernel",
    );
    assert.equal(kernel.ok, ok, release);
  }
  const old = result(
    checkEnhancedRecording({ ...fakeHost(), kernelRelease: "5.4.0-150-generic" }),
    "kernel",
  );
  assert.equal(
    old.message,
    "enhanced recording needs Linux 5.8 or newer (this kernel is 5.4.0-150-generic): " +
      `upgrade the kernel ${DISABLE}`,
  );
  const weird = result(checkEnhancedRecording({ ...fakeHost(), kernelRelease: "x" }), "kernel");
  assert.equal(weird.ok, false);
  assert.match(weird.message, /cannot tell the kernel version from release "x"/);
});

test("missing BTF names the path and the kernel option", () => {
  const btfPath = join(tempDir(), "no-vmlinux");
  const btf = result(checkEnhancedRecording({ ...fakeHost(), btfPath }), "btf");
  assert.equal(btf.ok, false);
  assert.equal(
    btf.message,
    `kernel BTF not found at ${btfPath}: enhanced recording needs a kernel built with ` +
      `CONFIG_DEBUG_INFO_BTF=y (most distribution kernels since 5.8 are) ${DISABLE}`,
  );
});

test("a user without the capabilities fails naming them", () => {
  const host = fakeHost();
  const status = join(tempDir(), "status");
  writeFileSync(status, "Name:\tnode\nUid:\t1000\t1000\t1000\t1000\nCapEff:\t0000000000000000\n");
  const privileges = result(
    checkEnhancedRecording({ ...host, procStatusPath: status }),
    "privileges",
  );
  assert.equal(privileges.ok, false);
  assert.equal(
    privileges.message,
    "enhanced recording needs root or the capabilities CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN " +
      "(this process runs as uid 1000 without CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN): " +
      `run teleport as root with full capabilities ${DISABLE}`,
  );

  // Root in an unprivileged container: euid 0 is not enough without the capabilities.
  const rootless = result(
    checkEnhancedRecording({ ...host, procStatusPath: status, euid: 0 }),
    "privileges",
  );
  assert.equal(rootless.ok, false);
  assert.match(rootless.message, /runs as root but without CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN/);

  // A non-root user holding exactly the three capabilities (bits 21, 38, 39) passes.
  const capable = (1n << 21n) | (1n << 38n) | (1n << 39n);
  writeFileSync(status, `Uid:\t1000\t1000\t1000\t1000\nCapEff:\t${capable.toString(16)}\n`);
  const ok = result(checkEnhancedRecording({ ...host, procStatusPath: status }), "privileges");
  assert.equal(ok.ok, true, ok.message);
});

test("cgroup2: a non-empty folder that is not cgroup2 fails; a kernel without it fails", () => {
  const host = fakeHost();
  const occupied = tempDir();
  writeFileSync(join(occupied, "file"), "");
  const busy = result(checkEnhancedRecording({ ...host, cgroupPath: occupied }), "cgroup2");
  assert.equal(busy.ok, false);
  assert.match(busy.message, new RegExp(`^cgroup_path ${occupied} is not a cgroup2 mount`));
  assert.ok(busy.message.endsWith(DISABLE), busy.message);

  const noCgroup2 = join(tempDir(), "filesystems");
  writeFileSync(noCgroup2, "nodev\tcgroup\nnodev\ttracefs\n");
  const old = result(checkEnhancedRecording({ ...host, filesystemsPath: noCgroup2 }), "cgroup2");
  assert.equal(old.ok, false);
  assert.match(old.message, /this kernel has no cgroup v2/);

  const empty = result(checkEnhancedRecording({ ...host, cgroupPath: tempDir() }), "cgroup2");
  assert.equal(empty.ok, true);
  assert.match(empty.message, /cgroup2 will be mounted at /);
});

test("tracefs: fails when the kernel lacks it or the mount point is missing", () => {
  const host = fakeHost();
  const noTracefs = join(tempDir(), "filesystems");
  writeFileSync(noTracefs, "nodev\tcgroup2\n");
  const missing = result(
    checkEnhancedRecording({ ...host, filesystemsPath: noTracefs }),
    "tracefs",
  );
  assert.equal(missing.ok, false);
  assert.match(missing.message, /this kernel has no tracefs .*CONFIG_TRACING/);

  const nowhere = join(tempDir(), "no-tracing");
  const noPoint = result(checkEnhancedRecording({ ...host, tracefsPath: nowhere }), "tracefs");
  assert.equal(noPoint.ok, false);
  assert.ok(noPoint.message.includes(`mount -t tracefs nodev ${nowhere}`), noPoint.message);

  const later = result(checkEnhancedRecording(host), "tracefs");
  assert.equal(later.ok, true);
  assert.match(later.message, /will be mounted at/);
});

test("assertEnhancedRecordingAvailable throws the first failure's line", () => {
  const options = {
    ...fakeHost(),
    kernelRelease: "5.4.0-150-generic",
    btfPath: join(tempDir(), "none"),
  };
  assert.throws(
    () => assertEnhancedRecordingAvailable(options),
    (error: unknown) => {
      assert.ok(error instanceof EnhancedRecordingUnavailable);
      assert.match(error.message, /^enhanced recording needs Linux 5\.8 or newer/);
      assert.deepEqual(
        error.failures.map((f) => f.name),
        ["kernel", "btf"],
      );
      return true;
    },
  );
  assert.doesNotThrow(() => assertEnhancedRecordingAvailable(fakeHost()));
});

test(
  "this machine passes every check",
  { skip: isRoot ? false : "needs root: the privileges check fails for other users" },
  () => {
    const cgroupPath = findCgroup2Mount();
    assert.ok(cgroupPath !== undefined, "no cgroup2 mount on this host");
    for (const check of checkEnhancedRecording({ cgroupPath })) {
      assert.ok(check.ok, `${check.name}: ${check.message}`);
    }
  },
);

test(
  "ensureTracefs mounts tracefs once and says so",
  { skip: isRoot ? false : "needs root to mount tracefs" },
  (t) => {
    // A private mount point, so the shared /sys/kernel/tracing is left as it was.
    const point = mkdtempSync(join(tmpdir(), "teleport-tracefs-"));
    const mounted = (): boolean => mountPointsOfType(readMountinfo(), "tracefs").includes(point);
    t.after(() => {
      if (mounted()) unmountFilesystem(point);
      rmdirSync(point); // never recursive: it may still be a tracefs
    });
    assert.equal(ensureTracefs(point), true);
    assert.ok(mounted());
    assert.ok(existsSync(join(point, "events")));
    assert.equal(ensureTracefs(point), false);
  },
);

test("ensureTracefs explains a failed mount", () => {
  const nowhere = join(tempDir(), "missing", "tracing");
  assert.throws(
    () => ensureTracefs(nowhere),
    (error: unknown) => {
      assert.ok(error instanceof EnhancedRecordingUnavailable);
      assert.match(error.message, new RegExp(`^cannot mount tracefs at ${nowhere}, which`));
      assert.ok(error.message.includes(`(mount -t tracefs nodev ${nowhere})`), error.message);
      return true;
    },
  );
});
