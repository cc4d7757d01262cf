// The invite page's script, served as /web/invite.js (the page's CSP allows no inline script).
// It reads the invite, checks the two passwords match, and posts them with the TOTP code. It
// keeps nothing in the browser's storage and sends no cookie: the token is the credential, and
// a session cookie of this proxy would only make the POST need that session's CSRF token.
export const INVITE_SCRIPT = `"use strict";
(() => {
  // Auth's policy decides (its message is shown); this only spares a round trip.
  const MIN_LENGTH = 12;
  const CODE = /^[0-9]{6}$/;
  const byId = (id) => document.getElementById(id);
  const title = byId("title");
  const status = byId("status");
  const error = byId("error");
  const form = byId("form");
  const password = byId("password");
  const confirm = byId("confirm");
  const otp = byId("otp");
  const otpHelp = byId("otp-help");
  const otpSecret = byId("otp-secret");
  const otpUri = byId("otp-uri");
  const otpCode = byId("otp-code");
  const submit = byId("submit");
  const done = byId("done");

  const sentence = (text) => text.charAt(0).toUpperCase() + text.slice(1);

  function showError(message) {
    error.textContent = sentence(message);
    error.hidden = false;
  }

  function clearError() {
    error.textContent = "";
    error.hidden = true;
  }

  async function call(path, init) {
    let response;
    try {
      response = await fetch(path, { cache: "no-store", credentials: "omit", ...init });
    } catch {
      throw new Error("cannot reach the proxy: check the connection, then try again");
    }
    let body = {};
    try {
      body = await response.json();
    } catch {
      body = {};
    }
    if (!response.ok) {
      const message = body && body.error && body.error.message;
      throw new Error(typeof message === "string" ? message : "the proxy answered " + response.status);
    }
    return body;
  }

  // The path is /web/invite/TOKEN or /web/reset/TOKEN.
  function tokenOfPath() {
    const parts = location.pathname.split("/");
    if (parts.length !== 4 || parts[3] === "") return "";
    try {
      return decodeURIComponent(parts[3]);
    } catch {
      return "";
    }
  }

  const token = tokenOfPath();
  let otpRequired = false;

  function problem() {
    if ([...password.value].length < MIN_LENGTH) {
      return "the password is too short: use at least " + MIN_LENGTH + " characters";
    }
    if (password.value !== confirm.value) return "the two passwords do not match";
    const code = otpCode.value.replace(/\\s/g, "");
    if (otpRequired && code === "") return "enter the 6-digit code your authenticator app shows";
    if (code !== "" && !CODE.test(code)) return "the code from the authenticator app has 6 digits";
    return "";
  }

  async function load() {
    if (token === "") {
      status.hidden = true;
      showError("this link is incomplete: copy the whole link from the invite again");
      return;
    }
    let invite;
    try {
      invite = await call("/webapi/users/invites/" + encodeURIComponent(token));
    } catch (failure) {
      status.hidden = true;
      showError(failure.message);
      return;
    }
    const who = invite.kind === "reset" ? "Set a new password for " : "Set the password for ";
    title.textContent = who + invite.user;
    document.title = title.textContent;
    if (typeof invite.otp_secret === "string") {
      otpRequired = invite.otp_required === true;
      otpHelp.textContent = otpRequired
        ? "This cluster asks for a one-time code at every login. Add this secret to your " +
          "authenticator app (or open the URI with it), then enter the code the app shows."
        : "Optional: to log in with a one-time code too, add this secret to your authenticator " +
          "app (or open the URI with it) and enter the code the app shows. Leave the code " +
          "empty to skip.";
      otpSecret.value = invite.otp_secret;
      otpUri.value = typeof invite.otp_uri === "string" ? invite.otp_uri : "";
      otpCode.required = otpRequired;
      otp.hidden = false;
    }
    status.textContent = "This link works until " + new Date(invite.expires).toLocaleString() + ".";
    form.hidden = false;
    password.focus();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearError();
    const refused = problem();
    if (refused !== "") {
      showError(refused);
      return;
    }
    const body = { token, password: password.value };
    const code = otpCode.value.replace(/\\s/g, "");
    if (code !== "") body.otp_token = code;
    submit.disabled = true;
    status.textContent = "Setting the password…";
    try {
      const result = await call("/webapi/users/invites/complete", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      form.reset();
      form.hidden = true;
      status.hidden = true;
      const proxy = location.hostname + ":" + (location.port || "443");
      done.textContent =
        "Password set. Log in with: tsh login --proxy=" + proxy + " --user=" + result.user;
      done.hidden = false;
      done.focus();
    } catch (failure) {
      status.textContent = "";
      showError(failure.message);
      submit.disabled = false;
    }
  });

  void load();
})();
`;
