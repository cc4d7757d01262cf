import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

/**
 * The checkout (or installed package) root. Code runs both from src/ (tsx) and from dist/,
 * so the root is found by walking up to package.json rather than by a fixed relative path.
 */
export function repoRoot(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find the project root (no package.json above)");
    dir = parent;
  }
  cached = dir;
  return dir;
}
