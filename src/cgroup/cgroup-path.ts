import { mkdirSync, readdirSync, realpathSync, statSync, statfsSync } from "node:fs";
import { cgroup2MountPoints, readMountinfo } from "./mounts.js";
import { mountFilesystem } from "./mount-command.js";
import { errnoCode } from "./procs.js";

/** statfs f_type of a cgroup v2 file system (linux/magic.h). */
const CGROUP2_SUPER_MAGIC = 0x63677270;

/** What `cgroup_path` is on this host, and so what opening it needs. */
export type CgroupPathState =
  /** cgroup2 is mounted exactly at the path: use it. */
  | { kind: "mounted"; path: string }
  /** Missing or an empty folder: cgroup2 can be mounted there. */
  | { kind: "mountable"; path: string }
  /** Anything else; `problem` is the line to show the user. */
  | { kind: "unusable"; path: string; problem: string };

function fixHint(mountinfo: string): string {
  const found = cgroup2MountPoints(mountinfo)[0];
  return found !== undefined
    ? `set ssh_service.enhanced_recording.cgroup_path to the cgroup2 mount (${found} on this host)`
    : "this host has no cgroup2 mount: set ssh_service.enhanced_recording.cgroup_path to a " +
        "missing or empty folder and teleport mounts cgroup2 there";
}

/** Looks at `path` without changing anything. */
export function inspectCgroupPath(
  path: string,
  mountinfoPath = "/proc/self/mountinfo",
): CgroupPathState {
  const mountinfo = readMountinfo(mountinfoPath);
  let real: string;
  try {
    real = realpathSync(path);
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return { kind: "mountable", path };
    return { kind: "unusable", path, problem: `cannot use cgroup_path ${path}: ${String(error)}` };
  }
  // statfs sees the top-most mount, so something mounted over an old cgroup2 mount is caught.
  if (
    cgroup2MountPoints(mountinfo).includes(real) &&
    Number(statfsSync(real).type) === CGROUP2_SUPER_MAGIC
  ) {
    return { kind: "mounted", path: real };
  }
  if (!statSync(real).isDirectory()) {
    return {
      kind: "unusable",
      path,
      problem: `cgroup_path ${path} is not a folder: ${fixHint(mountinfo)}`,
    };
  }
  if (readdirSync(real).length === 0) return { kind: "mountable", path: real };
  return {
    kind: "unusable",
    path,
    problem:
      `cgroup_path ${path} is not a cgroup2 mount and is not empty, so cgroup2 cannot be ` +
      `mounted there: ${fixHint(mountinfo)}`,
  };
}

/**
 * `mkdir -p`, one level at a time. Node's recursive mkdirSync never returns where a folder
 * exists but refuses children with ENOENT (sysfs's /sys/fs/cgroup under `ip netns exec`, which
 * mounts a fresh /sys): it retries the parent forever. Here that is an error naming the folder.
 */
function makeFolders(path: string): void {
  let current = "";
  for (const part of path.split("/").filter((p) => p !== "")) {
    current = `${current}/${part}`;
    try {
      mkdirSync(current);
    } catch (error) {
      const code = errnoCode(error);
      if (code === "EEXIST") continue;
      throw new Error(
        `cannot create cgroup_path ${path}: mkdir ${current} failed (${code ?? String(error)}); ` +
          "its parent does not take new folders (a sysfs or read-only file system?): mount " +
          "cgroup2 there yourself (mount -t cgroup2 none PATH) or choose another cgroup_path",
      );
    }
  }
}

/**
 * Makes sure cgroup2 is mounted exactly at `path`, mounting it on a missing or empty folder.
 * Returns the mount point and whether this call mounted it (so the caller can undo it).
 */
export function ensureCgroup2Mount(path: string): { mountPoint: string; mounted: boolean } {
  const state = inspectCgroupPath(path);
  switch (state.kind) {
    case "mounted":
      return { mountPoint: state.path, mounted: false };
    case "unusable":
      throw new Error(state.problem);
    case "mountable":
      makeFolders(path);
      try {
        mountFilesystem("cgroup2", "none", path);
      } catch (error) {
        throw new Error(
          `cannot mount cgroup2 at cgroup_path ${path} (${(error as Error).message}): ` +
            "run teleport as root, or mount it yourself (mount -t cgroup2 none PATH)",
        );
      }
      return { mountPoint: realpathSync(path), mounted: true };
  }
}
