// Log in with a password, and the authenticator app's code when the cluster asks for one.
import { useEffect, useState, type FormEvent } from "react";
import { apiSend, errorMessage } from "../api";
import { safeNext, useLocation } from "../router";
import { sessionSchema, type Ping, type Session } from "../session";

export function LoginPage(props: { ping: Ping; onLogin: (session: Session, to: string) => void }) {
  const { search } = useLocation();
  const secondFactor = props.ping.auth.second_factor;
  const [user, setUser] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();

  useEffect(() => {
    document.title = "Log in · Teleport";
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setFailure(undefined);
    const body = { user, password, ...(code === "" ? {} : { otp_token: code }) };
    apiSend("POST", "/webapi/sessions/web", body, {
      schema: sessionSchema,
      redirectOn401: false,
    }).then(
      (session) => props.onLogin(session, safeNext(search.get("next"))),
      (error: unknown) => {
        setFailure(errorMessage(error));
        setBusy(false);
      },
    );
  };

  return (
    <main id="main" className="narrow-page">
      <h1>Log in to {props.ping.cluster_name}</h1>
      <form className="stacked" onSubmit={submit} aria-label="Log in">
        <label>
          User name
          <input
            name="username"
            autoComplete="username"
            autoFocus
            required
            value={user}
            onChange={(e) => setUser(e.target.value)}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {secondFactor === "off" ? null : (
          <label>
            {secondFactor === "otp"
              ? "One-time code"
              : "One-time code (if you set up an authenticator app)"}
            <input
              name="otp"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="\d{6}"
              title="the 6-digit code from your authenticator app"
              required={secondFactor === "otp"}
              value={code}
              onChange={(e) => setCode(e.target.value.trim())}
            />
          </label>
        )}
        {failure === undefined ? null : (
          <p className="error" role="alert">
            {failure}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Logging in…" : "Log in"}
        </button>
      </form>
    </main>
  );
}
