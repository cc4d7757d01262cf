// Start-up checks for enhanced recording (DESIGN §3): each failure is one line that names what is
// missing and how to fix it, so `teleport start` can stop with it instead of a libbpf errno.
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { release } from "node:os";
import { join } from "node:path";
import {
  inspectCgroupPath,
  mountFilesystem,
  unmountFilesystem,
  mountPointsOfType,
  readMountinfo,
  type CgroupPathState,
} from "../cgroup/index.js";

export interface CheckOptions {
  /** ssh_service.enhanced_recording.cgroup_path */
  cgroupPath: string;
  /** Default /sys/kernel/btf/vmlinux. */
  btfPath?: string;
  /** Default os.release(). */
  kernelRelease?: string;
  /** Default /proc/self/status (for CapEff and, unless `euid` is given, the effective uid). */
  procStatusPath?: string;
  /** Overrides the effective uid read from procStatusPath. */
  euid?: number;
  /** Default /sys/kernel/tracing. */
  tracefsPath?: string;
  /** Default /proc/filesystems. */
  filesystemsPath?: string;
  /** Default /proc/self/mountinfo. */
  mountinfoPath?: string;
}

export type CheckName = "kernel" | "btf" | "privileges" | "cgroup2" | "tracefs";

export interface CheckResult {
  name: CheckName;
  ok: boolean;
  /** What was found; for a failure, what is missing and how to fix it. */
  message: string;
}

/** Enhanced recording cannot run on this host; the message says why and what to do. */
export class EnhancedRecordingUnavailable extends Error {
  override name = "EnhancedRecordingUnavailable";
  readonly failures: readonly CheckResult[];
  constructor(message: string, failures: readonly CheckResult[] = []) {
    super(message);
    this.failures = failures;
  }
}

const DISABLE = "or set ssh_service.enhanced_recording.enabled: false";
const MIN_KERNEL = { major: 5, minor: 8 };

// Capability bit numbers from linux/capability.h.
const CAPABILITIES = { CAP_BPF: 39n, CAP_PERFMON: 38n, CAP_SYS_ADMIN: 21n } as const;

function pass(name: CheckName, message: string): CheckResult {
  return { name, ok: true, message };
}

function fail(name: CheckName, message: string): CheckResult {
  return { name, ok: false, message };
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** "6.18.44-fc-v769" → { major: 6, minor: 18 }; undefined when it does not start with N.N. */
export function parseKernelRelease(text: string): { major: number; minor: number } | undefined {
  const match = /^(\d+)\.(\d+)/.exec(text);
  if (match === null) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]) };
}

function checkKernel(kernelRelease: string): CheckResult {
  const version = parseKernelRelease(kernelRelease);
  if (version === undefined) {
    return fail("kernel", `cannot tell the kernel version from release "${kernelRelease}"`);
  }
  const { major, minor } = MIN_KERNEL;
  if (version.major > major || (version.major === major && version.minor >= minor)) {
    return pass("kernel", `Linux ${kernelRelease}`);
  }
  return fail(
    "kernel",
    `enhanced recording needs Linux ${major}.${minor} or newer (this kernel is ${kernelRelease}): ` +
      `upgrade the kernel ${DISABLE}`,
  );
}

function checkBtf(btfPath: string): CheckResult {
  if (existsSync(btfPath)) return pass("btf", `kernel BTF at ${btfPath}`);
  return fail(
    "btf",
    `kernel BTF not found at ${btfPath}: enhanced recording needs a kernel built with ` +
      `CONFIG_DEBUG_INFO_BTF=y (most distribution kernels since 5.8 are) ${DISABLE}`,
  );
}

/** The effective uid and capability set from a /proc/PID/status text. */
function parseProcStatus(text: string): { euid?: number; capEff?: bigint } {
  const uid = /^Uid:\s+\d+\s+(\d+)/m.exec(text);
  const cap = /^CapEff:\s+([0-9a-fA-F]+)$/m.exec(text);
  return {
    euid: uid?.[1] === undefined ? undefined : Number(uid[1]),
    capEff: cap?.[1] === undefined ? undefined : BigInt(`0x${cap[1]}`),
  };
}

// Root passes only with its capabilities: root in an unprivileged container lacks them, and
// would fail later at bpf() with a bare EPERM.
function checkPrivileges(procStatusPath: string, euidOverride: number | undefined): CheckResult {
  const text = readText(procStatusPath);
  if (text === undefined) {
    return fail("privileges", `cannot read ${procStatusPath} to check capabilities: mount /proc`);
  }
  const status = parseProcStatus(text);
  const euid = euidOverride ?? status.euid;
  const capEff = status.capEff ?? 0n;
  const missing = Object.entries(CAPABILITIES)
    .filter(([, bit]) => (capEff & (1n << bit)) === 0n)
    .map(([name]) => name);
  if (missing.length === 0) {
    return pass("privileges", euid === 0 ? "root" : "CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN");
  }
  const who =
    euid === 0
      ? `this process runs as root but without ${missing.join(", ")} (an unprivileged container?)`
      : `this process runs as uid ${euid ?? "unknown"} without ${missing.join(", ")}`;
  return fail(
    "privileges",
    `enhanced recording needs root or the capabilities CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN ` +
      `(${who}): run teleport as root with full capabilities ${DISABLE}`,
  );
}

function kernelHasFilesystem(filesystems: string, type: string): boolean {
  return filesystems.split("\n").some((line) => line.split("\t").pop() === type);
}

function checkCgroup2(cgroupPath: string, filesystems: string, mountinfoPath: string): CheckResult {
  let state: CgroupPathState;
  try {
    state = inspectCgroupPath(cgroupPath, mountinfoPath);
  } catch (error) {
    return fail("cgroup2", `cannot use cgroup_path ${cgroupPath}: ${(error as Error).message}`);
  }
  switch (state.kind) {
    case "mounted":
      return pass("cgroup2", `cgroup2 mounted at ${state.path}`);
    case "unusable":
      return fail("cgroup2", `${state.problem}, ${DISABLE}`);
    case "mountable": {
      const supported =
        kernelHasFilesystem(filesystems, "cgroup2") ||
        mountPointsOfType(readMountinfo(mountinfoPath), "cgroup2").length > 0;
      if (supported) return pass("cgroup2", `cgroup2 will be mounted at ${cgroupPath}`);
      return fail(
        "cgroup2",
        `this kernel has no cgroup v2 (no cgroup2 in /proc/filesystems): enhanced recording ` +
          `needs a kernel with cgroup v2 support ${DISABLE}`,
      );
    }
  }
}

function tracefsMounted(tracefsPath: string, mountinfoPath: string): boolean {
  let real: string;
  try {
    real = realpathSync(tracefsPath);
  } catch {
    return false;
  }
  return (
    mountPointsOfType(readMountinfo(mountinfoPath), "tracefs").includes(real) ||
    existsSync(join(real, "events"))
  );
}

function checkTracefs(
  tracefsPath: string,
  filesystems: string,
  mountinfoPath: string,
): CheckResult {
  if (tracefsMounted(tracefsPath, mountinfoPath)) {
    return pass("tracefs", `tracefs mounted at ${tracefsPath}`);
  }
  if (!kernelHasFilesystem(filesystems, "tracefs")) {
    return fail(
      "tracefs",
      `this kernel has no tracefs (no tracefs in /proc/filesystems), which attaching to ` +
        `tracepoints needs: use a kernel built with CONFIG_TRACING ${DISABLE}`,
    );
  }
  if (!existsSync(tracefsPath)) {
    return fail(
      "tracefs",
      `tracefs is not mounted and its mount point ${tracefsPath} does not exist: ` +
        `mount it (mkdir -p ${tracefsPath} && mount -t tracefs nodev ${tracefsPath}) ${DISABLE}`,
    );
  }
  return pass("tracefs", `tracefs not mounted yet; it will be mounted at ${tracefsPath}`);
}

/** Runs every check, without changing anything on the host. */
export function checkEnhancedRecording(options: CheckOptions): CheckResult[] {
  const filesystems = readText(options.filesystemsPath ?? "/proc/filesystems") ?? "";
  const mountinfoPath = options.mountinfoPath ?? "/proc/self/mountinfo";
  return [
    checkKernel(options.kernelRelease ?? release()),
    checkBtf(options.btfPath ?? "/sys/kernel/btf/vmlinux"),
    checkPrivileges(options.procStatusPath ?? "/proc/self/status", options.euid),
    checkCgroup2(options.cgroupPath, filesystems, mountinfoPath),
    checkTracefs(options.tracefsPath ?? "/sys/kernel/tracing", filesystems, mountinfoPath),
  ];
}

/** Throws EnhancedRecordingUnavailable with the first failing check's line. */
export function assertEnhancedRecordingAvailable(options: CheckOptions): void {
  const failures = checkEnhancedRecording(options).filter((result) => !result.ok);
  const first = failures[0];
  if (first !== undefined) throw new EnhancedRecordingUnavailable(first.message, failures);
}

/**
 * Mounts tracefs at `tracefsPath` unless it is there already (libbpf finds tracepoint ids in it).
 * Returns true when this call mounted it, so the caller can unmount it again.
 */
export function ensureTracefs(tracefsPath = "/sys/kernel/tracing"): boolean {
  if (tracefsMounted(tracefsPath, "/proc/self/mountinfo")) return false;
  try {
    mountFilesystem("tracefs", "nodev", tracefsPath);
  } catch (error) {
    throw new EnhancedRecordingUnavailable(
      `cannot mount tracefs at ${tracefsPath}, which attaching to tracepoints needs ` +
        `(${(error as Error).message}): run teleport as root or mount it yourself ` +
        `(mount -t tracefs nodev ${tracefsPath}) ${DISABLE}`,
    );
  }
  return true;
}

/** Undoes ensureTracefs() for whoever mounted it. Attached programs do not need it any more. */
export function unmountTracefs(tracefsPath = "/sys/kernel/tracing"): void {
  unmountFilesystem(tracefsPath);
}
