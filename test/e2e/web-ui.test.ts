// The web UI in a real browser against a real cluster (auth, proxy serving web/dist, a node with
// enhanced recording): log in, find the guide's hidden curl in the audit log and open its JSON,
// export it, see the recording's counts and the node, and what an access-only user is refused.
// Screenshots go to test-artifacts/web-ui/. Needs `npm run build:web` first.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Page } from "playwright-core";
import { browserSkipReason, fetchInPage, screenshot, useWebUiSuite } from "../helpers/browser.js";
import { EXPORT_CSV_COLUMNS, parseCsv, parseJsonLines } from "../helpers/export-files.js";
import { httpsCall } from "../helpers/https.js";
import { errorMessageOf } from "../helpers/web-api.js";

type AuditEvent = Record<string, unknown>;

/** The texts of one column of a table body. */
async function columnTexts(page: Page, table: string, column: number): Promise<string[]> {
  return page
    .getByRole("table", { name: table })
    .locator(`tbody tr td:nth-child(${column})`)
    .allInnerTexts();
}

/** Clicks "Load more" until every matching event is shown: the rows' count. */
async function showEveryRow(page: Page, table: string): Promise<number> {
  const rows = page.getByRole("table", { name: table }).locator("tbody tr");
  const loadMore = page.getByRole("button", { name: "Load more" });
  while (await loadMore.isVisible()) {
    const before = await rows.count();
    await loadMore.click();
    await rows.nth(before).waitFor();
  }
  return rows.count();
}

/** `ms` as a datetime-local input's value in the browser's time zone (to the second). */
function localInputValue(page: Page, ms: number): Promise<string> {
  // As text: the browser's globals are not this file's.
  return page.evaluate<string>(`(() => {
    const date = new Date(${ms});
    const pad = (n) => String(n).padStart(2, "0");
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) +
      "T" + pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" + pad(date.getSeconds());
  })()`);
}

describe("web UI in chromium", { skip: browserSkipReason() }, () => {
  const { fixture, newPage } = useWebUiSuite();

  it("answers 401 to every API call without a session", async () => {
    const { webPort, clusterName, sid } = fixture();
    const site = `/webapi/sites/${clusterName}`;
    const calls: [string, string][] = [
      ["GET", "/webapi/sessions/web"],
      ["DELETE", "/webapi/sessions/web"],
      ["GET", `${site}/nodes`],
      ["GET", `${site}/events/search`],
      ["GET", `${site}/events/export?format=jsonl`],
      ["GET", `${site}/events/export?format=csv`],
      ["GET", `${site}/recordings`],
      ["GET", `${site}/recordings/${sid}/playback`],
      ["GET", `${site}/recordings/${sid}/timeline`],
    ];
    for (const [method, path] of calls) {
      const answer = await httpsCall(webPort, method, path);
      assert.equal(answer.status, 401, `${method} ${path}: ${answer.text}`);
      assert.match(errorMessageOf(answer), /log in/, `${method} ${path} says what to do`);
    }
  });

  it("sends the browser to the login page and back to where it was going", async () => {
    const { origin, alice } = fixture();
    const page = await newPage();
    await page.goto(`${origin}/web/nodes`);
    await page.waitForURL(/\/web\/login\?next=%2Fweb%2Fnodes$/);
    await screenshot(page, "login");
    // The form is labelled and in a sensible tab order.
    await page.getByLabel("User name").focus();
    await page.keyboard.press("Tab");
    assert.equal(await page.locator("input:focus").getAttribute("name"), "password");

    await page.getByLabel("User name").fill(alice.name);
    await page.getByLabel("Password").fill("not the password at all");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("alert").waitFor();
    assert.equal(new URL(page.url()).pathname, "/web/login");

    await page.getByLabel("Password").fill(alice.password);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(/\/web\/nodes$/);
    await page.getByRole("heading", { name: "Nodes" }).waitFor();
  });

  it("finds the decoded curl in the audit log, opens its JSON and exports the same rows", async () => {
    const { alice, sid, curlUrl, clusterName, admin } = fixture();
    const page = await newPage();
    await fixture().logIn(page, alice);
    // An auditor starts at the audit log and sees every section.
    await page.waitForURL(/\/web\/audit$/);
    const nav = page.getByRole("navigation", { name: "Main" });
    for (const link of ["Audit log", "Recordings", "Nodes"]) {
      await nav.getByRole("link", { name: link }).waitFor();
    }

    await page.getByLabel("Session ID").fill(sid);
    await page.getByText(/^Event types \(/).click();
    await page.getByLabel("session.command", { exact: true }).check();
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL((url) => url.searchParams.get("types") === "session.command");
    assert.equal(new URL(page.url()).searchParams.get("sid"), sid, "the filters are in the URL");

    const table = "Audit events, newest first";
    const decoded = `curl -s ${curlUrl}`;
    const row = page.getByRole("table", { name: table }).getByRole("row").filter({
      hasText: decoded,
    });
    await row.waitFor();
    assert.deepEqual(
      new Set(await columnTexts(page, table, 2)),
      new Set(["session.command"]),
      "only session.command rows",
    );
    const summary = await row.locator("td.summary").innerText();
    assert.match(summary, /alice ran curl -s http:\/\/127\.0\.0\.1:\d+\//);
    assert.doesNotMatch(summary, /base64/, "the row is the decoded command, not what was typed");
    await screenshot(page, "audit-log");

    // "Load more" pages on (a shell's start-up alone runs more commands than one page holds)
    // until every matching event is shown.
    const shown = await showEveryRow(page, table);
    const { events: commands } = await admin.searchEvents({
      sid,
      types: "session.command",
      limit: "10000",
    });
    assert.equal(shown, commands.length, "every session.command of the session is listed");
    await page.getByText(`${shown} events shown`).waitFor();

    // Keyboard: Enter on the row opens the event's JSON, Escape closes it.
    await row.focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    const event = JSON.parse(await dialog.locator("pre.json").innerText()) as AuditEvent;
    assert.equal(event["event"], "session.command");
    assert.equal(event["code"], "T4000I");
    assert.equal(event["program"], "curl");
    assert.deepEqual(event["argv"], ["-s", curlUrl]);
    assert.equal(event["sid"], sid);
    assert.equal(event["user"], alice.name);
    await screenshot(page, "audit-event-json");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    assert.equal(await row.and(page.locator(":focus")).count(), 1, "focus returns to the row");

    // The export links carry the same filters and give the same rows.
    const jsonlHref = await page
      .getByRole("link", { name: "Export JSON lines" })
      .getAttribute("href");
    assert.ok(jsonlHref);
    assert.ok(jsonlHref.startsWith(`/webapi/sites/${clusterName}/events/export?`), jsonlHref);
    const jsonl = await fetchInPage(page, jsonlHref);
    assert.equal(jsonl.status, 200, jsonl.text);
    const exported = parseJsonLines(jsonl.text);
    assert.equal(exported.length, shown);
    assert.ok(exported.every((e) => e["event"] === "session.command" && e["sid"] === sid));
    assert.ok(exported.some((e) => e["program"] === "curl"));

    const csvHref = await page.getByRole("link", { name: "Export CSV" }).getAttribute("href");
    assert.ok(csvHref);
    const csv = await fetchInPage(page, csvHref);
    assert.equal(csv.status, 200, csv.text);
    const [header, ...records] = parseCsv(csv.text);
    assert.deepEqual(header, EXPORT_CSV_COLUMNS);
    assert.equal(records.length, shown);
    assert.ok(records.every((r) => r[1] === "session.command" && r[6] === sid));
    assert.ok(
      records.some((r) => r[7] === summary),
      "the CSV has the row's summary",
    );

    // A reload keeps the session (the cookie) and the view (the URL); nothing is in storage.
    await page.reload();
    await row.waitFor();
    assert.equal(await page.getByLabel("Session ID").inputValue(), sid);
    // (Evaluated in the page, as text: the browser's globals are not this file's.)
    const stored = await page.evaluate<unknown>(
      "({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie })",
    );
    assert.deepEqual(stored, { local: 0, session: 0, cookie: "" });
  });

  it("filters by several event types and a time range, kept in the URL over a reload", async () => {
    const { alice, sid, admin } = fixture();
    const types = ["session.command", "session.network"];
    const { events } = await admin.searchEvents({ sid, limit: "10000" });
    const matching = events.filter((e) => types.includes(String(e["event"])));
    const times = events.map((e) => Date.parse(String(e["time"])));
    // Whole seconds (what the inputs take) around every event of the session.
    const start = Math.floor(Math.min(...times) / 1000) * 1000;
    const end = Math.floor(Math.max(...times) / 1000) * 1000 + 1000;

    // The inputs are in local time and the URL in UTC: a zone 5.5 h from UTC tells them apart.
    const page = await newPage(undefined, "Asia/Kolkata");
    assert.equal(await page.evaluate<number>("new Date().getTimezoneOffset()"), -330);
    await fixture().logIn(page, alice);
    await page.waitForURL(/\/web\/audit$/);
    const table = "Audit events, newest first";
    const rows = page.getByRole("table", { name: table }).locator("tbody tr");
    const apply = () => page.getByRole("button", { name: "Apply filters" }).click();

    await page.getByLabel("Session ID").fill(sid);
    await page.getByText(/^Event types \(/).click();
    for (const type of types) await page.getByLabel(type, { exact: true }).check();
    await page.getByText("Event types (2 selected)").waitFor();
    await apply();
    await page.waitForURL((url) => url.searchParams.get("types") === types.join(","));
    await rows.first().waitFor();
    await screenshot(page, "audit-log-two-types");
    assert.equal(await showEveryRow(page, table), matching.length, "every event of both types");
    assert.deepEqual(
      [...new Set(await columnTexts(page, table, 2))].sort(),
      types,
      "rows of both types and of no other",
    );

    // A range that ends a minute before the session began: none of its events.
    const before = {
      from: await localInputValue(page, start - 3_600_000),
      to: await localInputValue(page, start - 60_000),
    };
    await page.getByLabel("From (local time)").fill(before.from);
    await page.getByLabel("To (local time)").fill(before.to);
    await apply();
    await page.waitForURL(
      (url) => url.searchParams.get("to") === new Date(start - 60_000).toISOString(),
    );
    await page.getByText("No events match these filters.").waitFor();
    assert.equal(await rows.count(), 0);

    // A range around the session: its events again.
    const around = {
      from: await localInputValue(page, start),
      to: await localInputValue(page, end),
    };
    await page.getByLabel("From (local time)").fill(around.from);
    await page.getByLabel("To (local time)").fill(around.to);
    await apply();
    await page.waitForURL(
      (url) =>
        url.searchParams.get("from") === new Date(start).toISOString() &&
        url.searchParams.get("to") === new Date(end).toISOString(),
    );
    await rows.first().waitFor();
    await screenshot(page, "audit-log-time-range");
    assert.equal(await showEveryRow(page, table), matching.length, "the range holds them all");

    // A reload shows the same filters and rows: they live in the URL.
    const url = page.url();
    await page.reload();
    await rows.first().waitFor();
    assert.equal(page.url(), url);
    assert.equal(await page.getByLabel("From (local time)").inputValue(), around.from);
    assert.equal(await page.getByLabel("To (local time)").inputValue(), around.to);
    assert.equal(await page.getByLabel("Session ID").inputValue(), sid);
    await page.getByText("Event types (2 selected)").click();
    for (const type of types) {
      assert.ok(await page.getByLabel(type, { exact: true }).isChecked(), `${type} is checked`);
    }
    assert.equal(await showEveryRow(page, table), matching.length);
  });

  it("lists the session's recording with its event counts and opens the player", async () => {
    const { alice, sid, admin, nodeName } = fixture();
    const { events } = await admin.searchEvents({ sid, limit: "1000" });
    const count = (type: string) => String(events.filter((e) => e["event"] === type).length);

    const page = await newPage();
    await fixture().logIn(page, alice);
    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Recordings" })
      .click();
    await page.waitForURL(/\/web\/recordings$/);
    const table = page.getByRole("table", { name: "Session recordings" });
    const row = table.locator("tbody tr").first();
    await row.waitFor();
    const headers = await table.locator("thead th").allInnerTexts();
    const cells = await row.locator("td").allInnerTexts();
    const cell = (name: string) => cells[headers.findIndex((h) => h.startsWith(name))];
    assert.equal(cell("User"), alice.name);
    assert.equal(cell("Login"), "root");
    assert.equal(cell("Node"), nodeName);
    assert.equal(cell("Enhanced"), "yes");
    assert.equal(cell("Commands"), count("session.command"));
    assert.equal(cell("Network"), count("session.network"));
    assert.equal(cell("Disk"), count("session.disk"));
    assert.ok(Number(cell("Commands")) > 0, "the session ran commands");
    await screenshot(page, "recordings");

    // Filters and sort live in the URL; a filter that matches nothing says so.
    await page.getByLabel("User").fill("nobody");
    await page.getByText("No recordings match these filters.").waitFor();
    assert.equal(new URL(page.url()).searchParams.get("user"), "nobody");
    await page.getByLabel("User").fill(alice.name);
    await row.waitFor();
    await table.getByRole("button", { name: "Commands" }).click();
    assert.equal(
      await table.locator("th", { hasText: "Commands" }).getAttribute("aria-sort"),
      "descending",
    );
    assert.equal(new URL(page.url()).searchParams.get("sort"), "commands");

    await row.focus();
    await page.keyboard.press("Enter");
    await page.waitForURL((url) => url.pathname === `/web/recordings/${sid}`);
    await page.getByRole("heading", { name: `Session ${sid}` }).waitFor();
    await screenshot(page, "recording");
  });

  it("lists the node with its address and labels", async () => {
    const { alice, nodeName, nodePort } = fixture();
    const page = await newPage();
    await fixture().logIn(page, alice);
    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Nodes" })
      .click();
    const row = page.getByRole("table", { name: "Nodes" }).getByRole("row").filter({
      hasText: nodeName,
    });
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, new RegExp(`127\\.0\\.0\\.1:${nodePort}`));
    assert.match(text, /env=test/);
    await screenshot(page, "nodes");
  });

  it("fits a 400-px-wide window: the page never scrolls sideways, tables do", async () => {
    const { alice } = fixture();
    const page = await newPage({ width: 400, height: 800 });
    await fixture().logIn(page, alice);
    const widthOf = () => page.evaluate<number>("document.documentElement.scrollWidth");

    await page.waitForURL(/\/web\/audit$/);
    await page
      .getByRole("table", { name: "Audit events, newest first" })
      .locator("tbody tr")
      .first()
      .waitFor();
    assert.ok((await widthOf()) <= 400, `the audit log is ${await widthOf()} px wide`);
    await screenshot(page, "narrow-audit-log");

    for (const [path, name, table] of [
      ["recordings", "narrow-recordings", "Session recordings"],
      ["nodes", "narrow-nodes", "Nodes"],
    ] as const) {
      await page.getByRole("link", { name: path === "nodes" ? "Nodes" : "Recordings" }).click();
      await page.getByRole("table", { name: table }).locator("tbody tr").first().waitFor();
      assert.ok((await widthOf()) <= 400, `${path} is ${await widthOf()} px wide`);
      await screenshot(page, name);
    }
  });

  it("shows an access-only user only their own sessions and refuses them the audit log", async () => {
    const { carol, clusterName } = fixture();
    const page = await newPage();
    await fixture().logIn(page, carol);
    await page.waitForURL(/\/web\/recordings$/);
    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "My sessions" }).waitFor();
    assert.equal(await nav.getByRole("link", { name: "Audit log" }).count(), 0);
    // Carol ran no session: alice's is not hers to see.
    await page.getByText("No recordings yet.").waitFor();

    const search = await fetchInPage(page, `/webapi/sites/${clusterName}/events/search`);
    assert.equal(search.status, 403, search.text);
    await page.goto(`${fixture().origin}/web/audit`);
    await page.getByRole("heading", { name: "Not allowed" }).waitFor();
    await screenshot(page, "access-only");
  });

  it("logs out: the session is gone on the proxy too", async () => {
    const { alice } = fixture();
    const page = await newPage();
    await fixture().logIn(page, alice);
    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(/\/web\/login$/);
    const after = await fetchInPage(page, "/webapi/sessions/web");
    assert.equal(after.status, 401);
  });

  it("sets a password through an invite link, then logs in with it", async () => {
    const { admin, origin } = fixture();
    const invite = await admin.addUser({
      name: "dave",
      roles: ["access"],
      logins: ["root"],
    });
    const page = await newPage();
    await page.goto(`${origin}/web/invite/${invite.inviteToken}`);
    await page.getByText("Choose a password for").waitFor();
    const password = "a brand new long password";
    await page.getByLabel("New password").fill(password);
    await page.getByLabel("Confirm the password").fill(`${password} typo`);
    await page.getByRole("button", { name: "Set password" }).click();
    await page.getByRole("alert").filter({ hasText: "do not match" }).waitFor();
    await page.getByLabel("Confirm the password").fill(password);
    await page.getByRole("button", { name: "Set password" }).click();
    await page.getByRole("status").filter({ hasText: "The password of dave is set" }).waitFor();
    await screenshot(page, "invite-done");

    await page.getByRole("link", { name: "Log in" }).click();
    await fixture().logIn(page, { name: "dave", password });
  });
});
