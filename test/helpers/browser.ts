// The web UI in a real browser: Debian's chromium, headless, started here (so its pid and its
// fresh profile folder are ours) and driven by Playwright over the DevTools protocol; and the
// cluster the UI tests share: auth + proxy and a node as `teleport start` processes, a user with
// a password who ran the guide's obfuscated command with tsh, and a user with only the access role.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { repoRoot } from "../../src/paths.js";
import type { AuthClient } from "../../src/auth/index.js";
import { runAsUser } from "./cli.js";
import { startProcessCluster, type ProcessCluster } from "./process-cluster.js";
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

/**
 * Why the browser tests cannot run here, or false when they can. A missing chromium is not a
 * reason: scripts/bootstrap installs it, and the launch fails saying so (never a silent skip).
 */
export function browserSkipReason(): string | false {
  return process.getuid?.() !== 0 ? "needs root (BPF, cgroups, setuid)" : false;
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
  /**
   * A fresh context (cookies of its own) that accepts the proxy's self-signed certificate; its
   * local time is `timezoneId`'s (an IANA name), else this host's.
   */
  newContext(
    viewport?: { width: number; height: number },
    timezoneId?: string,
  ): Promise<BrowserContext>;
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
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (scripts/bootstrap does)`);
  }
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
    newContext(viewport = { width: 1280, height: 800 }, timezoneId) {
      return browser.newContext({ ignoreHTTPSErrors: true, viewport, timezoneId });
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

/** What `fetch(path)` in the page answers: the browser's own cookie goes with it. */
export function fetchInPage(page: Page, path: string): Promise<{ status: number; text: string }> {
  return page.evaluate(async (url) => {
    const response = await fetch(url);
    return { status: response.status, text: await response.text() };
  }, path);
}

export interface WebUiUser {
  name: string;
  password: string;
}

export interface WebUiFixture {
  /** https://127.0.0.1:PORT, the proxy's web address. */
  origin: string;
  /** The proxy's HTTPS port. */
  webPort: number;
  clusterName: string;
  /** An AuthClient with the cluster's admin identity (what tctl uses). */
  admin: AuthClient;
  /** The node alice's session ran on, and its SSH port on 127.0.0.1. */
  nodeName: string;
  nodePort: number;
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

/** The sid of the one recording auth has published, once it has. */
async function onlyRecording(admin: AuthClient): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const recordings = await admin.listRecordings();
    if (recordings.length > 1)
      throw new Error(`expected one recording, auth has ${recordings.length}`);
    if (recordings[0] !== undefined) return recordings[0].sid;
    if (Date.now() > deadline) throw new Error("auth published no recording of the session");
    await sleep(100);
  }
}

/**
 * Alice's session as in the guide: tsh login, then an interactive shell (a PTY, so the player
 * has a terminal to show) into which the obfuscated curl is typed.
 */
async function runGuideSession(
  cluster: ProcessCluster,
  alice: WebUiUser,
  curlUrl: string,
): Promise<void> {
  const home = tempDir("web-ui-home-");
  const login = await runAsUser(
    home,
    "tsh",
    ["login", `--proxy=127.0.0.1:${cluster.webPort}`, `--user=${alice.name}`, "--insecure"],
    `${alice.password}\n`,
  );
  if (login.code !== 0) throw new Error(`tsh login failed (${login.code}): ${login.stderr}`);
  const hidden = Buffer.from(`curl -s ${curlUrl}\n`).toString("base64");
  const typed = `echo ${hidden} | base64 --decode | sh`;
  const session = await runAsUser(
    home,
    "tsh",
    ["ssh", "-t", `root@${cluster.nodeName}`],
    `${typed}\nexit\n`,
  );
  if (session.code !== 0 || !session.stdout.includes("hello from the listener")) {
    throw new Error(
      `the session with tsh ssh failed (${session.code}): ${session.stderr}${session.stdout}`,
    );
  }
}

export async function startWebUiFixture(): Promise<WebUiFixture> {
  requireWebDist();
  const http = createServer((_req, res) => res.end("hello from the listener\n"));
  const port = await listen(http);
  const closeHttp = async () => {
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  };
  let cluster: ProcessCluster | undefined;
  try {
    cluster = await startProcessCluster();
    const alice = { name: "alice", password: "correct horse battery staple" };
    const carol = { name: "carol", password: "another long passphrase" };
    await cluster.addPasswordUser(alice.name, {
      roles: ["auditor", "access"],
      logins: ["root"],
      password: alice.password,
    });
    await cluster.addPasswordUser(carol.name, {
      roles: ["access"],
      logins: ["root"],
      password: carol.password,
    });
    const curlUrl = `http://127.0.0.1:${port}/`;
    await runGuideSession(cluster, alice, curlUrl);
    const sid = await onlyRecording(cluster.admin);

    const origin = `https://127.0.0.1:${cluster.webPort}`;
    const started = cluster;
    return {
      origin,
      webPort: cluster.webPort,
      clusterName: cluster.clusterName,
      admin: cluster.admin,
      nodeName: cluster.nodeName,
      nodePort: cluster.nodePort,
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

export interface BrowserSuite {
  /** A page in a fresh browser context (no cookies, see newContext), closed when the suite ends. */
  newPage(viewport?: { width: number; height: number }, timezoneId?: string): Promise<Page>;
}

/**
 * Call at describe level: chromium starts in before() and stops, with every context opened
 * through newPage, in after().
 */
export function useBrowser(): BrowserSuite {
  let browser: BrowserHandle | undefined;
  const contexts: BrowserContext[] = [];

  before(async () => {
    browser = await launchBrowser();
  });

  after(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
  });

  return {
    async newPage(viewport, timezoneId) {
      assert.ok(browser, "the browser started");
      const context = await browser.newContext(viewport, timezoneId);
      contexts.push(context);
      return context.newPage();
    },
  };
}

export interface WebUiSuite extends BrowserSuite {
  /** The started cluster (fails the test when it did not start). */
  fixture(): WebUiFixture;
}

/**
 * Call at describe level: the browser and the web UI cluster start in before() and stop in
 * after(), the browser first (its connections to the proxy go before the proxy does).
 */
export function useWebUiSuite(): WebUiSuite {
  const { newPage } = useBrowser();
  let fixture: WebUiFixture | undefined;

  before(async () => {
    fixture = await startWebUiFixture();
  });

  after(async () => {
    await fixture?.close();
  });

  return {
    fixture() {
      assert.ok(fixture, "the cluster started");
      return fixture;
    },
    newPage,
  };
}
