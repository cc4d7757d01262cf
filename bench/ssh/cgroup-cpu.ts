// CPU time of a cgroup v2 and everything under it, removed sub-cgroups included (the kernel adds
// a removed cgroup's usage to its parent's): what a server's sessions cost, whichever process ran
// them.
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** usage_usec of `<dir>/cpu.stat`, in seconds. */
export function cgroupCpuSeconds(dir: string): number {
  const stat = readFileSync(join(dir, "cpu.stat"), "utf8");
  const usec = /^usage_usec (\d+)$/m.exec(stat)?.[1];
  if (usec === undefined) throw new Error(`${join(dir, "cpu.stat")} has no usage_usec line`);
  return Number(usec) / 1e6;
}
