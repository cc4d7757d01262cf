// The pure parts of the proxy's web API: the session cookie, CSRF tokens, the session store's
// expiry, the router's matching and the CSV of event exports.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AuthClient } from "../../src/auth/index.js";
import {
  clearedSessionCookie,
  readCookie,
  SESSION_COOKIE,
  sessionCookie,
} from "../../src/proxy/web/cookies.js";
import { csrfMatches, isSafeMethod, newCsrfToken } from "../../src/proxy/web/csrf.js";
import { csvField, csvRecord } from "../../src/proxy/web/csv.js";
import { json, WebRouter, type WebRoute } from "../../src/proxy/web/router.js";
import { WebSessionStore } from "../../src/proxy/web/sessions.js";

describe("session cookie", () => {
  it("is host-only, HttpOnly, Secure and SameSite=Strict, with whole seconds left", () => {
    assert.equal(
      sessionCookie("abc", 3599.7),
      "__Host-session=abc; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=3599",
    );
    assert.equal(
      clearedSessionCookie(),
      "__Host-session=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0",
    );
  });

  it("is found among other cookies, and not by a name that only contains it", () => {
    assert.equal(readCookie(`a=1; ${SESSION_COOKIE}=xyz; b=2`, SESSION_COOKIE), "xyz");
    assert.equal(readCookie("x__Host-session=evil", SESSION_COOKIE), undefined);
    assert.equal(readCookie(undefined, SESSION_COOKIE), undefined);
  });
});

describe("CSRF token", () => {
  it("matches only exactly the session's token, given once", () => {
    const token = newCsrfToken();
    assert.notEqual(token, newCsrfToken());
    assert.equal(csrfMatches(token, token), true);
    assert.equal(csrfMatches(token, `${token}x`), false);
    assert.equal(csrfMatches(token, token.slice(1)), false);
    assert.equal(csrfMatches(token, undefined), false);
    assert.equal(csrfMatches(token, [token, token]), false);
  });

  it("is needed for every method but GET and HEAD", () => {
    assert.deepEqual(
      ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"].filter((m) => !isSafeMethod(m)),
      ["POST", "PUT", "PATCH", "DELETE"],
    );
  });
});

describe("web session store", () => {
  const auth = {} as AuthClient;

  it("gives each session its own id and token and ends it with its certificate", () => {
    let now = new Date("2024-05-01T10:00:00Z");
    const store = new WebSessionStore(() => now);
    try {
      const expires = new Date("2024-05-01T11:00:00Z");
      const a = store.add({ user: "alice", roles: ["access"], logins: ["root"], expires, auth });
      const b = store.add({ user: "bob", roles: [], logins: [], expires, auth });
      assert.notEqual(a.id, b.id);
      assert.notEqual(a.csrfToken, b.csrfToken);
      assert.equal(store.get(a.id)?.user, "alice");
      assert.equal(store.secondsLeft(a), 3600);
      now = new Date("2024-05-01T11:00:00Z");
      assert.equal(store.get(a.id), undefined);
      store.remove(b.id);
      assert.equal(store.get(b.id), undefined);
      assert.equal(store.get(undefined), undefined);
    } finally {
      store.close();
    }
  });
});

describe("web router", () => {
  const route = (method: "GET" | "POST", path: string): WebRoute => ({
    method,
    path,
    access: "public",
    handle: async () => json({ path }),
  });
  const router = new WebRouter([
    route("GET", "/webapi/sites/:site/nodes"),
    route("POST", "/webapi/sessions/web"),
    route("GET", "/webapi/sessions/web"),
  ]);

  it("fills decoded parameters and tells a wrong method from an unknown path", () => {
    const found = router.match("GET", "/webapi/sites/a%2Eb/nodes");
    assert.equal(found.kind, "route");
    assert.deepEqual(found.kind === "route" ? found.params : {}, { site: "a.b" });
    assert.deepEqual(router.match("DELETE", "/webapi/sessions/web"), {
      kind: "wrong-method",
      allowed: ["POST", "GET"],
    });
    assert.deepEqual(router.match("GET", "/webapi/sites/x/nodes/extra"), { kind: "none" });
    assert.throws(() => router.match("GET", "/webapi/sites/%E0%A4%A/nodes"), /URL encoding/);
  });
});

describe("CSV of exports", () => {
  it("quotes fields with commas, quotes or line breaks (RFC 4180) and ends records with CRLF", () => {
    assert.equal(csvField("alice ran ls"), "alice ran ls");
    assert.equal(csvField("a,b"), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField("two\nlines"), '"two\nlines"');
    assert.equal(csvField("cr\r"), '"cr\r"');
    assert.equal(csvField(""), "");
    assert.equal(csvRecord(["x", "y,z", ""]), 'x,"y,z",\r\n');
    // Formula injection: a program named "=cmd|..." must not run in the auditor's spreadsheet.
    assert.equal(csvField('=HYPERLINK("x")'), '"\'=HYPERLINK(""x"")"');
    assert.equal(csvField("+1"), "'+1");
    assert.equal(csvField("-rf"), "'-rf");
    assert.equal(csvField("@SUM(A1)"), "'@SUM(A1)");
    assert.equal(csvField("a=b"), "a=b");
  });
});
