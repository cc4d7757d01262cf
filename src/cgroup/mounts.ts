import { readFileSync } from "node:fs";

/** Undoes the octal escapes (\040 for space) the kernel uses for paths in mountinfo. */
function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_m, octal: string) =>
    String.fromCharCode(parseInt(octal, 8)),
  );
}

/** Mount points of cgroup v2 file systems, in mount order, from a mountinfo text. */
export function cgroup2MountPoints(mountinfo: string): string[] {
  const points: string[] = [];
  for (const line of mountinfo.split("\n")) {
    const separator = line.indexOf(" - ");
    if (separator < 0) continue;
    const fsType = line.slice(separator + 3).split(" ")[0];
    const mountPoint = line.slice(0, separator).split(" ")[4];
    if (fsType === "cgroup2" && mountPoint !== undefined)
      points.push(unescapeMountPath(mountPoint));
  }
  return points;
}

/** The first cgroup v2 mount of this process's mount namespace, if any. */
export function findCgroup2Mount(mountinfoPath = "/proc/self/mountinfo"): string | undefined {
  try {
    return cgroup2MountPoints(readFileSync(mountinfoPath, "utf8"))[0];
  } catch {
    return undefined;
  }
}
