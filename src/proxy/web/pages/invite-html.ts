// The page an invite (or reset) link opens: static markup only. The script fills in whom the
// invite is for and whether an authenticator app is enrolled; nothing here depends on the token.
export const INVITE_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Set your password</title>
    <link rel="stylesheet" href="/web/invite.css" />
    <script src="/web/invite.js" defer></script>
  </head>
  <body>
    <main>
      <h1 id="title">Set your password</h1>
      <noscript><p>This page needs JavaScript to set your password.</p></noscript>
      <p id="status" role="status">Reading the invite…</p>
      <p id="error" role="alert" hidden></p>
      <form id="form" method="post" novalidate hidden>
        <p>
          <label for="password">New password (at least 12 characters)</label>
          <input id="password" name="password" type="password" autocomplete="new-password"
            required minlength="12" maxlength="128" />
        </p>
        <p>
          <label for="confirm">Repeat the new password</label>
          <input id="confirm" name="confirm" type="password" autocomplete="new-password"
            required minlength="12" maxlength="128" />
        </p>
        <fieldset id="otp" hidden>
          <legend>Authenticator app</legend>
          <p id="otp-help"></p>
          <p>
            <label for="otp-secret">Secret (base32)</label>
            <input id="otp-secret" type="text" readonly spellcheck="false" />
          </p>
          <p>
            <label for="otp-uri">otpauth URI</label>
            <input id="otp-uri" type="text" readonly spellcheck="false" />
          </p>
          <p>
            <label for="otp-code">6-digit code from the app</label>
            <input id="otp-code" name="otp_token" type="text" inputmode="numeric"
              autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" />
          </p>
        </fieldset>
        <p><button id="submit" type="submit">Set password</button></p>
      </form>
      <p id="done" tabindex="-1" hidden></p>
    </main>
  </body>
</html>
`;
