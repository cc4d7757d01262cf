/**
 * Session and instance ids become cgroup folder names. Letters, digits, "-" and "_" keep them
 * inside their parent (no "/" or "..") and clear of the kernel's "cgroup.*" interface files.
 */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export function checkCgroupName(what: string, name: string): string {
  if (!NAME.test(name)) {
    throw new Error(
      `invalid ${what} ${JSON.stringify(name)}: use up to 128 letters, digits, "-" and "_" ` +
        "(a UUID), starting with a letter or digit",
    );
  }
  return name;
}

/** root_path is joined under cgroup_path; ".." would let it escape that hierarchy. */
export function checkRootPath(rootPath: string): string {
  if (!rootPath.startsWith("/") || rootPath.split("/").some((part) => part === "..")) {
    throw new Error(
      `invalid enhanced_recording.root_path ${JSON.stringify(rootPath)}: ` +
        `use a path starting with "/" without ".." segments, such as /teleport`,
    );
  }
  return rootPath;
}
