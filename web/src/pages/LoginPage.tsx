// Log in with a password, and the authenticator app's code when the cluster asks for one.
import { useEffect, useState, type FormEvent } from "react";
import { apiSend } from "../api";
import { ErrorAlert } from "../components/ErrorAlert";
import { OtpCodeField, PasswordField, SubmitButton } from "../components/FormControls";
import { NarrowPage } from "../components/NarrowPage";
import { safeNext, useLocation } from "../router";
import { sessionSchema, type Ping, type Session } from "../session";
import { useSubmit } from "../submit";

export function LoginPage(props: { ping: Ping; onLogin: (session: Session, to: string) => void }) {
  const { search } = useLocation();
  const secondFactor = props.ping.auth.second_factor;
  const [user, setUser] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const { busy, failure, submit } = useSubmit();

  useEffect(() => {
    document.title = "Log in · Teleport";
  }, []);

  const logIn = (event: FormEvent) => {
    event.preventDefault();
    const body = { user, password, ...(code === "" ? {} : { otp_token: code }) };
    submit(
      () =>
        apiSend("POST", "/webapi/sessions/web", body, {
          schema: sessionSchema,
          redirectOn401: false,
        }),
      (session) => props.onLogin(session, safeNext(search.get("next"))),
    );
  };

  return (
    <NarrowPage title={`Log in to ${props.ping.cluster_name}`}>
      <form className="stacked" onSubmit={logIn} aria-label="Log in">
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
        <PasswordField
          label="Password"
          name="password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
        />
        {secondFactor === "off" ? null : (
          <OtpCodeField
            label={
              secondFactor === "otp"
                ? "One-time code"
                : "One-time code (if you set up an authenticator app)"
            }
            name="otp"
            required={secondFactor === "otp"}
            value={code}
            onChange={setCode}
          />
        )}
        <ErrorAlert failure={failure} />
        <SubmitButton busy={busy} label="Log in" busyLabel="Logging in…" />
      </form>
    </NarrowPage>
  );
}
