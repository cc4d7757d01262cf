// What a test of teleport processes with enhanced recording needs of this host: root and a
// cgroup2 mount, and a cgroup root_path of its own, removed at the end.
import { randomUUID } from "node:crypto";
import { existsSync, rmdirSync } from "node:fs";
import { join } from "node:path";
import { findCgroup2Mount } from "../../src/cgroup/index.js";

/** Why such a test cannot run here (`needs`: what root is for), or false when it can. */
export function recordingHostSkip(needs = "BPF, cgroups, setuid"): string | false {
  if (process.getuid?.() !== 0) return `needs root (${needs})`;
  if (findCgroup2Mount() === undefined) return "no cgroup2 mount";
  return false;
}

export interface TestCgroupRoot {
  /** The root_path for teleport.yaml. */
  rootPath: string;
  /** Where it is under the cgroup2 mount. */
  path: string;
  /** Removes it (instances leave it for their siblings); call once the processes stopped. */
  remove(): void;
}

export function testCgroupRoot(): TestCgroupRoot {
  const rootPath = `/teleport-test-${randomUUID().slice(0, 8)}`;
  const path = join(findCgroup2Mount() ?? "/sys/fs/cgroup", rootPath);
  return {
    rootPath,
    path,
    remove() {
      if (existsSync(path)) rmdirSync(path);
    },
  };
}
