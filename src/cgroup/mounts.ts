import { readFileSync } from "node:fs";

/** Undoes the octal escapes (\040 for space) the kernel uses for paths in mountinfo. */
function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_m, octal: string) =>
    String.fromCharCode(parseInt(octal, 8)),
  );
}

/** Mount points of file systems of type `fsType`, in mount order, from a mountinfo text. */
export function mountPointsOfType(mountinfo: string, fsType: string): string[] {
  const points: string[] = [];
  for (const line of mountinfo.split("\n")) {
    const separator = line.indexOf(" - ");
    if (separator < 0) continue;
    const type = line.slice(separator + 3).split(" ")[0];
    const mountPoint = line.slice(0, separator).split(" ")[4];
    if (type === fsType && mountPoint !== undefined) points.push(unescapeMountPath(mountPoint));
  }
  return points;
}

/** Mount points of cgroup v2 file systems, in mount order, from a mountinfo text. */
export function cgroup2MountPoints(mountinfo: string): string[] {
  return mountPointsOfType(mountinfo, "cgroup2");
}

/** This process's mountinfo text, or "" when it cannot be read (no /proc). */
export function readMountinfo(mountinfoPath = "/proc/self/mountinfo"): string {
  try {
    return readFileSync(mountinfoPath, "utf8");
  } catch {
    return "";
  }
}

/** The first cgroup v2 mount of this process's mount namespace, if any. */
export function findCgroup2Mount(mountinfoPath = "/proc/self/mountinfo"): string | undefined {
  return cgroup2MountPoints(readMountinfo(mountinfoPath))[0];
}
