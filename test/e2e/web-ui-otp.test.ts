// The web UI's second factor in a real browser against real teleport processes with
// `second_factor: otp`: the invite page of `tctl users add` shows the TOTP secret and its
// otpauth:// URI and takes the first code, and the login page asks for a code, refuses a wrong or
// already used one and logs in with the next. The codes are computed from the secret the page
// shows, as an authenticator app would. Screenshots go to test-artifacts/web-ui/. Needs
// `npm run build:web` first.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { base32Decode } from "../../src/auth/users/base32.js";
import { hotp, totpCounter } from "../../src/auth/users/totp.js";
import {
  browserSkipReason,
  fetchInPage,
  requireWebDist,
  screenshot,
  useBrowser,
} from "../helpers/browser.js";
import { startProcessCluster, type ProcessCluster } from "../helpers/process-cluster.js";

/** A 6-digit code that is none of `codes`. */
function codeOtherThan(codes: string[]): string {
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, "0");
    if (!codes.includes(code)) return code;
  }
}

describe(
  "web UI with a one-time password (second_factor: otp)",
  { skip: browserSkipReason() },
  () => {
    const { newPage } = useBrowser();
    let cluster: ProcessCluster | undefined;

    before(async () => {
      requireWebDist();
      cluster = await startProcessCluster({ secondFactor: "otp" });
    });

    after(async () => {
      await cluster?.close();
    });

    it("enrolls an authenticator through the invite link, then logs in with its codes", async () => {
      assert.ok(cluster, "the cluster started");
      const { clusterName, webPort } = cluster;
      const origin = `https://127.0.0.1:${webPort}`;
      const name = "bob";
      const password = "bob's long enough password";
      const token = await cluster.addUserInvite(name, { roles: ["access"], logins: ["root"] });

      // The invite page: the secret to type into the app, and the URI a QR code would carry.
      const page = await newPage();
      await page.goto(`${origin}/web/invite/${token}`);
      const setup = page.getByRole("region", { name: "Set up your authenticator app" });
      await setup.waitFor();
      const [secret, uri] = await setup.locator("code.secret").allInnerTexts();
      assert.ok(secret !== undefined && uri !== undefined, "the page shows a secret and a URI");
      assert.match(secret, /^[A-Z2-7]{32}$/, "a base32 secret of 160 bits");
      assert.equal(
        uri,
        `otpauth://totp/${clusterName}:${name}?secret=${secret}&issuer=${clusterName}`,
      );
      const key = base32Decode(secret);
      assert.ok(key);
      await screenshot(page, "otp-invite");

      await page.getByLabel("New password").fill(password);
      await page.getByLabel("Confirm the password").fill(password);
      const inviteCode = page.getByLabel("Code from the app");
      assert.notEqual(await inviteCode.getAttribute("required"), null, "the code is required");
      const enrolledStep = totpCounter(new Date());
      const enrolledCode = hotp(key, enrolledStep);
      await inviteCode.fill(codeOtherThan([-1, 0, 1].map((d) => hotp(key, enrolledStep + d))));
      await page.getByRole("button", { name: "Set password" }).click();
      await page.getByRole("alert").filter({ hasText: "invalid one-time password" }).waitFor();
      await inviteCode.fill(enrolledCode);
      await page.getByRole("button", { name: "Set password" }).click();
      await page
        .getByRole("status")
        .filter({ hasText: `The password of ${name} is set` })
        .waitFor();

      // The login page asks for the code, labelled, and will not send the form without one.
      await page.getByRole("link", { name: "Log in" }).click();
      await page.waitForURL(/\/web\/login$/);
      const loginCode = page.getByLabel("One-time code", { exact: true });
      assert.notEqual(await loginCode.getAttribute("required"), null, "the code is required");
      await page.getByLabel("User name").fill(name);
      await page.getByLabel("Password").fill(password);
      await screenshot(page, "otp-login");

      /** Sends the form with `code`: the status of the login call. */
      const logIn = async (code: string): Promise<number> => {
        await loginCode.fill(code);
        const [response] = await Promise.all([
          page.waitForResponse(
            (r) => r.request().method() === "POST" && r.url().endsWith("/webapi/sessions/web"),
          ),
          page.getByRole("button", { name: "Log in" }).click(),
        ]);
        return response.status();
      };
      // The form clears its alert when it sends, so the alert after a response is that response's.
      const refused = page
        .getByRole("alert")
        .filter({ hasText: "invalid username, password or one-time password" });

      // A code that is not the app's.
      const wrong = codeOtherThan([-1, 0, 1, 2].map((d) => hotp(key, enrolledStep + d)));
      assert.equal(await logIn(wrong), 401);
      await refused.waitFor();
      await screenshot(page, "otp-login-refused");

      // The code the invite took: right for the secret, but each code works once.
      assert.equal(await logIn(enrolledCode), 401);
      await refused.filter({ hasText: "each code works once" }).waitFor();
      assert.equal(new URL(page.url()).pathname, "/web/login", "still on the login page");

      // The next step's code: auth accepts one step ahead of its clock, so no waiting for it.
      const nextStep = Math.max(enrolledStep + 1, totpCounter(new Date()));
      assert.equal(await logIn(hotp(key, nextStep)), 200);
      await page.getByRole("button", { name: "Log out" }).waitFor();
      const session = await fetchInPage(page, "/webapi/sessions/web");
      assert.equal(session.status, 200, session.text);
    });
  },
);
