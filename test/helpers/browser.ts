// The web UI in a real browser: Debian's chromium, headless, started here (so its pid and its
// fresh profile folder are ours) and driven by Playwright over the DevTools protocol; and the
// cluster the UI tests share: auth + proxy + node in this process, a user with a password who
// ran the guide's obfuscated command over OpenSSH, and a user with only the access role.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { repoRoot } from "../../src/paths.js";
import { startClusterFixture, type ClusterFixture } from "../integration/cluster-fixture.js";
import { httpsCall } from "./https.js";
import { runOpenSsh } from "./openssh.js";
import { tempDir } from "./tmp.js";

export const CHROMIUM = "/usr/bin/chromium";
export const ARTIFACTS = join(repoRoot(), "test-artifacts", "web-ui");

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Why the browser tests cannot run here, or false when they can. */
export function browserSkipReason(): string | false {
  if (process.getuid?.() !== 0) return "needs root (BPF, cgroups, setuid)";
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing: install Debian's chromium package`;
  return false;
}

/** Fails with what to do when the built UI the proxy serves is missing. */
export function requireWebDist(): void {
  const index = join(repoRoot(), "web", "dist", "index.html");
  if (!existsSync(index)) {
    throw new Error(`${index} is missing: run npm run build:web before the web UI tests`);
  }
}

export interface BrowserHandle {
  browser: Browser;
  pid: number;
  /** A fresh context (cookies of its own) that accepts the proxy's self-signed certificate. */
  newContext(viewport?: { width: number; height: number }): Promise<BrowserContext>;
  close(): Promise<void>;
}

/** Whether process `pid` still exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function launchBrowser(): Promise<BrowserHandle> {
  const profile = tempDir("chromium-profile-");
  // Its own process group: the renderers and helpers it starts go with it.
  const child = spawn(
    CHROMIUM,
    [...CHROMIUM_ARGS, `--user-data-dir=${profile}`, "--remote-debugging-port=0", "about:blank"],
    { stdio: ["ignore", "ignore", "pipe"], detached: true },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error(`cannot start ${CHROMIUM}`);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  };
  // Even when the test process dies mid-test, the browser does not outlive it.
  const onExit = () => killGroup("SIGKILL");
  process.on("exit", onExit);

  let stderr = "";
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk;
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(stderr);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.once("error", reject);
    child.once("exit", (code, signal) =>
      reject(new Error(`${CHROMIUM} exited (${code ?? signal}) before it listened: ${stderr}`)),
    );
  });
  // Drain what it says later so it never blocks on a full pipe.
  child.stderr.resume();
  const browser = await chromium.connectOverCDP(endpoint);

  return {
    browser,
    pid,
    newContext(viewport = { width: 1280, height: 800 }) {
      return browser.newContext({ ignoreHTTPSErrors: true, viewport });
    },
    async close() {
      await browser.close().catch(() => undefined);
      if (alive(pid)) {
        killGroup("SIGTERM");
        const timer = setTimeout(() => killGroup("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      killGroup("SIGKILL");
      process.off("exit", onExit);
    },
  };
}

/** Saves a screenshot of what the window shows as test-artifacts/web-ui/NAME.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

export interface WebUiUser {
  name: string;
  password: string;
}

export interface WebUiFixture {
  cluster: ClusterFixture;
  /** https://127.0.0.1:PORT, the proxy's web address. */
  origin: string;
  clusterName: string;
  /** auditor + access, logins root: ran the session. */
  alice: WebUiUser;
  /** access only, logins root: ran no session. */
  carol: WebUiUser;
  /** The session alice ran, with the guide's obfuscated curl in it. */
  sid: string;
  /** What the hidden command fetched (the decoded command is `curl URL`). */
  curlUrl: string;
  /** Logs `user` in through the login page and waits for the first page after it. */
  logIn(page: Page, user: WebUiUser): Promise<void>;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

export async function startWebUiFixture(): Promise<WebUiFixture> {
  requireWebDist();
  const http = createServer((_req, res) => res.end("hello from the listener\n"));
  const port = await listen(http);
  const closeHttp = async () => {
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  };
  let cluster: ClusterFixture | undefined;
  try {
    cluster = await startClusterFixture();
    const alice = { name: "alice", password: "correct horse battery staple" };
    const carol = { name: "carol", password: "another long passphrase" };
    // Alice needs an OpenSSH certificate (for the session) and a password (for the UI).
    const aliceFiles = await cluster.addUser(alice.name, {
      roles: ["auditor", "access"],
      logins: ["root"],
    });
    const reset = await cluster.auth.admin.resetUser(alice.name);
    await cluster.auth.admin.completeInvite(reset.inviteToken, alice.password);
    await cluster.addPasswordUser(carol.name, {
      roles: ["access"],
      logins: ["root"],
      password: carol.password,
    });

    // The guide's example: curl hidden in base64, typed into an interactive shell.
    const curlUrl = `http://127.0.0.1:${port}/`;
    const hidden = Buffer.from(`curl -s ${curlUrl}\n`).toString("base64");
    const typed = `echo ${hidden} | base64 --decode | sh`;
    const result = await runOpenSsh(
      ["-tt", ...cluster.sshArgs(aliceFiles, "root")],
      `${typed}\nexit\n`,
    );
    if (result.status !== 0 || !result.stdout.includes("hello from the listener")) {
      throw new Error(`the session over OpenSSH failed (${result.status}): ${result.stderr}`);
    }
    const [sid] = await cluster.recordings(1);
    if (sid === undefined) throw new Error("auth published no recording of the session");

    const ping = await httpsCall(cluster.webPort, "GET", "/webapi/ping");
    const clusterName = String(ping.json["cluster_name"]);
    const origin = `https://127.0.0.1:${cluster.webPort}`;
    const started = cluster;
    return {
      cluster,
      origin,
      clusterName,
      alice,
      carol,
      sid,
      curlUrl,
      async logIn(page, user) {
        await page.goto(`${origin}/web/login`);
        await page.getByLabel("User name").fill(user.name);
        await page.getByLabel("Password").fill(user.password);
        await page.getByRole("button", { name: "Log in" }).click();
        await page.getByRole("button", { name: "Log out" }).waitFor();
      },
      async close() {
        await started.close();
        await closeHttp();
      },
    };
  } catch (error) {
    await cluster?.close();
    await closeHttp();
    throw error;
  }
}
