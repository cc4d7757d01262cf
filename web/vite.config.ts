// Builds the web UI into web/dist, which the proxy serves under /web (see src/proxy/web).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  base: "/web/",
  // Hashed assets only: the proxy's CSP allows no inline scripts.
  build: { outDir: fileURLToPath(new URL("dist", import.meta.url)), emptyOutDir: true },
  oxc: { jsx: { runtime: "automatic" } },
});
