// The session player in a real browser against a real cluster (auth, proxy serving web/dist, a
// node with enhanced recording) and a session that ran the guide's hidden curl: play it, click
// the curl command on the timeline and see the terminal as it was then, open a ?t= link, search
// the output, and use it by keyboard in a narrow window. The reference for "the terminal as it
// was" is the recorded output up to that moment run through xterm's headless emulator.
// Screenshots go to test-artifacts/web-ui/. Needs `npm run build:web` first.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import xterm from "@xterm/headless";
import type { Page } from "playwright-core";
import { browserSkipReason, fetchInPage, screenshot, useWebUiSuite } from "../helpers/browser.js";

interface TimelineJson {
  duration_ms: number;
  size: { cols: number; rows: number };
  output: [number, "o" | "r", string][];
  events: { ms: number; event: string; argv?: string[]; summary: string }[];
}

/** The rows the screen showed at `ms`: every frame up to then through a terminal emulator. */
async function screenAt(timeline: TimelineJson, ms: number): Promise<string[]> {
  const terminal = new xterm.Terminal({
    cols: timeline.size.cols,
    rows: timeline.size.rows,
    scrollback: 10_000,
    allowProposedApi: true,
  });
  try {
    for (const [at, kind, data] of timeline.output) {
      if (at > ms) break;
      if (kind === "o") await new Promise<void>((resolve) => terminal.write(data, resolve));
      else {
        const [cols, rows] = data.split("x").map(Number);
        terminal.resize(cols ?? 80, rows ?? 24);
      }
    }
    const buffer = terminal.buffer.active;
    const rows: string[] = [];
    for (let y = buffer.viewportY; y < buffer.viewportY + terminal.rows; y++) {
      rows.push(buffer.getLine(y)?.translateToString(true) ?? "");
    }
    return rows;
  } finally {
    terminal.dispose();
  }
}

/** The rows xterm.js shows in the page (its DOM renderer draws one element per row). */
function visibleRows(page: Page): Promise<string[]> {
  return page
    .locator(".player-screen .xterm-rows > div")
    .allTextContents()
    .then((rows) => rows.map((row) => row.replaceAll("\u00a0", " ").trimEnd()));
}

/** Polls `check` until it holds: the page changes on its own (xterm draws on animation frames). */
async function pollUntil(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until the page shows `expected`, then compares (so a mismatch shows both). */
async function assertScreen(page: Page, expected: string[], message: string): Promise<void> {
  const same = async () => JSON.stringify(await visibleRows(page)) === JSON.stringify(expected);
  await pollUntil(message, same).catch(() => undefined);
  assert.deepEqual(await visibleRows(page), expected, message);
}

/** The moment of the session the player shows (its data-session-ms), once it is `ms`. */
async function waitForMoment(page: Page, ms: number): Promise<void> {
  await page.locator(`.player[data-session-ms="${ms}"]`).waitFor({ timeout: 15_000 });
}

describe("session player in chromium", { skip: browserSkipReason() }, () => {
  const { fixture, newPage } = useWebUiSuite();
  let timeline: TimelineJson | undefined;

  const recording = (): TimelineJson => {
    assert.ok(timeline, "the timeline was read");
    return timeline;
  };

  /** The curl that the guide's obfuscated command ran. */
  const curlCommand = () => {
    const curl = recording().events.find(
      (event) => event.event === "session.command" && event.argv?.includes(fixture().curlUrl),
    );
    assert.ok(curl, "the timeline has the decoded curl command");
    return curl;
  };

  /** A logged-in page (alice: auditor + access) in a fresh context, closed at the end. */
  const alicePage = async (viewport?: { width: number; height: number }): Promise<Page> => {
    const page = await newPage(viewport);
    await fixture().logIn(page, fixture().alice);
    return page;
  };

  const playerUrl = (query = ""): string =>
    `${fixture().origin}/web/recordings/${fixture().sid}${query}`;

  before(async () => {
    const { clusterName, sid } = fixture();
    const page = await alicePage();
    const path = `/webapi/sites/${clusterName}/recordings/${sid}/timeline`;
    const answer = await fetchInPage(page, path);
    assert.equal(answer.status, 200, answer.text);
    timeline = JSON.parse(answer.text) as TimelineJson;
  });

  it("plays the recording; a click on the curl command shows the terminal at that moment", async () => {
    const page = await alicePage();
    const { duration_ms: duration } = recording();
    await page.goto(playerUrl());
    await page.getByRole("button", { name: "Play" }).click();
    await waitForMoment(page, duration);
    await page.locator('.player[data-playing="false"]').waitFor();
    await assertScreen(page, await screenAt(recording(), duration), "the end of the session");
    assert.ok(
      (await visibleRows(page)).some((row) => row.includes("hello from the listener")),
      "the curl's output is on the screen at the end",
    );
    await screenshot(page, "player-end");

    const curl = curlCommand();
    const button = page.locator(".player-event-list li.player-lane-command button", {
      hasText: fixture().curlUrl,
    });
    assert.match((await button.textContent()) ?? "", /curl/);
    await button.click();
    await waitForMoment(page, curl.ms);
    await assertScreen(page, await screenAt(recording(), curl.ms), "the moment curl started");
    assert.equal(await button.getAttribute("aria-current"), "true", "curl is the running command");
    assert.equal(
      await page.locator('.player-event-list button[aria-current="true"]').count(),
      1,
      "one running command",
    );
    assert.match(await page.locator(".player-running").innerText(), /curl/);
    await screenshot(page, "player-curl-command");
  });

  it("opens at the moment a ?t= link names, and copies a link to the moment on screen", async () => {
    const page = await alicePage();
    const curl = curlCommand();
    await page.goto(playerUrl(`?t=${curl.ms / 1000}`));
    await waitForMoment(page, curl.ms);
    await assertScreen(page, await screenAt(recording(), curl.ms), "the moment ?t= names");

    await page.getByRole("slider", { name: "Seek" }).focus();
    await page.keyboard.press("Home");
    await waitForMoment(page, 0);
    await page.getByRole("button", { name: "Copy link to this moment" }).click();
    await page.waitForURL((url) => url.searchParams.get("t") === "0");
    assert.match(await page.locator(".player-controls [role=status]").innerText(), /0:00/);
  });

  it("finds text in the output and plays to it", async () => {
    const page = await alicePage();
    await page.goto(playerUrl());
    const search = page.getByRole("searchbox", { name: "Search in the output" });
    await search.fill("HELLO from the listener");
    await search.press("Enter");
    const status = page.locator(".player-search [role=status]");
    await status.filter({ hasText: /^Match 1 of 1 at / }).waitFor();
    const frame = recording().output.find(
      ([, kind, data]) => kind === "o" && data.includes("hello from the listener"),
    );
    assert.ok(frame, "the recording has curl's output in one print");
    await waitForMoment(page, frame[0]);
    await assertScreen(page, await screenAt(recording(), frame[0]), "the moment of the match");
    await screenshot(page, "player-search");

    await search.fill("no such text anywhere");
    await search.press("Enter");
    await status.filter({ hasText: "No match for" }).waitFor();
  });

  it("is usable by keyboard in a 400-pixel-wide window", async () => {
    const page = await alicePage({ width: 400, height: 800 });
    const curl = curlCommand();
    await page.goto(playerUrl());
    await page.locator(".player[data-session-ms]").waitFor();

    // Space on the page plays: the moment moves on from 0.
    await page.locator("h1").click();
    await page.keyboard.press("Space");
    await pollUntil(
      "playback to start",
      async () => Number(await page.locator(".player").getAttribute("data-session-ms")) > 0,
    );
    // It plays to the end (a short session) before the next step seeks.
    await page.locator('.player[data-playing="false"]').waitFor();

    const button = page.locator(".player-event-list li.player-lane-command button", {
      hasText: fixture().curlUrl,
    });
    await button.focus();
    await page.keyboard.press("Enter");
    await waitForMoment(page, curl.ms);
    await assertScreen(page, await screenAt(recording(), curl.ms), "Enter on the curl command");

    const slider = page.getByRole("slider", { name: "Seek" });
    await slider.focus();
    await page.keyboard.press("End");
    await waitForMoment(page, recording().duration_ms);

    const overflow = await page.evaluate<number>(
      "document.documentElement.scrollWidth - document.documentElement.clientWidth",
    );
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px at 400 px wide`);
    for (const name of ["Play", "Copy link to this moment", "Next match"]) {
      assert.ok(await page.getByRole("button", { name }).isVisible(), `${name} is visible`);
    }
    assert.ok(await page.getByLabel("Speed").isVisible());
    assert.ok(await page.getByLabel("Skip idle time").isVisible());
    await screenshot(page, "player-narrow");
  });
});
