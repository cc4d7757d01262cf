import { readFileSync } from "node:fs";
import { repoRoot } from "./paths.js";

/** The Teleport release whose features, config and event shapes this project implements. */
export const TELEPORT_COMPATIBLE_VERSION = "14.3.33";

const packageJson: unknown = JSON.parse(readFileSync(`${repoRoot()}/package.json`, "utf8"));

export const VERSION: string =
  typeof packageJson === "object" &&
  packageJson !== null &&
  "version" in packageJson &&
  typeof packageJson.version === "string"
    ? packageJson.version
    : "0.0.0";
