import { existsSync } from "node:fs";
import { bpfObjectPath } from "../../src/bpf/index.js";
import { launcherPath } from "../../src/launcher/index.js";

/**
 * Throws with what to do when this process is not root, or the launcher or the session BPF
 * object is not built. `rootFor`: what needs root, for the message.
 */
export function checkPrerequisites(rootFor: string): void {
  if (process.getuid?.() !== 0) throw new Error(`run the benchmark as root (${rootFor})`);
  launcherPath(); // throws with "run npm run build" when it is missing
  if (!existsSync(bpfObjectPath("session"))) {
    throw new Error(`${bpfObjectPath("session")} is missing: run bash scripts/build-native`);
  }
}
