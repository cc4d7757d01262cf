import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));

/** Runs a compiled CLI entry point; says how to build it when the checkout is not built yet. */
export async function launch(name) {
  const entry = join(root, "dist", "cli", `${name}.js`);
  if (!existsSync(entry)) {
    process.stderr.write(
      `ERROR: ${name} is not built: run 'npm run build' (or 'bash scripts/bootstrap') in ${root}\n`,
    );
    process.exit(1);
  }
  const { main } = await import(pathToFileURL(entry).href);
  process.exitCode = await main(process.argv.slice(2));
}
