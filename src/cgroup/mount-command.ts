import { spawnSync } from "node:child_process";

/**
 * Runs mount(8)/umount(8) from util-linux: they handle the mount table and helpers for us,
 * and their own one-line errors are what a user would see running the same command by hand.
 */
function run(program: "mount" | "umount", argv: readonly string[]): void {
  const result = spawnSync(program, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const command = [program, ...argv].join(" ");
  if (result.error !== undefined) {
    const missing = (result.error as NodeJS.ErrnoException).code === "ENOENT";
    throw new Error(
      missing
        ? `${command}: ${program} not found in PATH: install util-linux`
        : `${command} failed: ${result.error.message}`,
    );
  }
  if (result.status !== 0) {
    const reason = result.stderr.trim() || `exit status ${result.status ?? result.signal}`;
    throw new Error(`${command} failed: ${reason}`);
  }
}

/** `mount -t TYPE SOURCE TARGET`; throws with mount's own message when it fails. */
export function mountFilesystem(type: string, source: string, target: string): void {
  run("mount", ["-t", type, source, target]);
}

/** `umount TARGET`; throws with umount's own message when it fails. */
export function unmountFilesystem(target: string): void {
  run("umount", [target]);
}
