// The page of an invite (or reset) link from `tctl users add` / `tctl users reset`: choose a
// password and, when the cluster requires it, set up an authenticator app and confirm its code.
import { useEffect, useState, type FormEvent } from "react";
import { z } from "zod";
import { apiGet, apiSend, errorMessage } from "../api";
import { ErrorAlert } from "../components/ErrorAlert";
import { OtpCodeField, PasswordField, SubmitButton } from "../components/FormControls";
import { NarrowPage } from "../components/NarrowPage";
import { formatTime } from "../format";
import { Link, loginPath } from "../router";
import { useSubmit } from "../submit";

const inviteSchema = z.object({
  user: z.string(),
  kind: z.enum(["signup", "reset"]),
  expires: z.string(),
  otp_required: z.boolean(),
  otp_secret: z.string().optional(),
  otp_uri: z.string().optional(),
});
type Invite = z.infer<typeof inviteSchema>;

const completeSchema = z.object({ user: z.string() });

const invitePath = (token: string) => `/webapi/users/invites/${encodeURIComponent(token)}`;

function OtpSetup({ invite }: { invite: Invite }) {
  if (invite.otp_secret === undefined) return null;
  return (
    <section className="otp-setup" aria-labelledby="otp-title">
      <h2 id="otp-title">Set up your authenticator app</h2>
      <p>
        Add an account to your authenticator app with this secret key, then enter the code it shows.
      </p>
      <dl>
        <dt>Secret key</dt>
        <dd>
          <code className="secret">{invite.otp_secret}</code>
        </dd>
        {invite.otp_uri === undefined ? null : (
          <>
            <dt>Setup URI</dt>
            <dd>
              <code className="secret">{invite.otp_uri}</code>
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}

export function InvitePage(props: { token: string; kind: "invite" | "reset" }) {
  const [invite, setInvite] = useState<Invite>();
  const [loadFailure, setLoadFailure] = useState<string>();
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [code, setCode] = useState("");
  const { busy, failure, setFailure, submit } = useSubmit();
  const [done, setDone] = useState<string>();

  useEffect(() => {
    document.title = `${props.kind === "reset" ? "Reset your password" : "Welcome"} · Teleport`;
    apiGet(invitePath(props.token), {
      schema: inviteSchema,
      redirectOn401: false,
      anonymous: true,
    }).then(setInvite, (error: unknown) => setLoadFailure(errorMessage(error)));
  }, [props.token, props.kind]);

  const setUp = (event: FormEvent) => {
    event.preventDefault();
    if (password !== confirm) {
      setFailure("the two passwords do not match");
      return;
    }
    const body = { token: props.token, password, ...(code === "" ? {} : { otp_token: code }) };
    submit(
      () =>
        apiSend("POST", "/webapi/users/invites/complete", body, {
          schema: completeSchema,
          redirectOn401: false,
          anonymous: true,
        }),
      (completed) => setDone(completed.user),
    );
  };

  const heading =
    props.kind === "reset" || invite?.kind === "reset" ? "Reset your password" : "Welcome";

  if (loadFailure !== undefined) {
    return (
      <NarrowPage title={heading}>
        <p className="error" role="alert">
          This link cannot be used: {loadFailure}. Ask your cluster administrator for a new one.
        </p>
      </NarrowPage>
    );
  }
  if (invite === undefined) {
    return (
      <NarrowPage title={heading}>
        <p aria-live="polite">Loading the invite…</p>
      </NarrowPage>
    );
  }
  if (done !== undefined) {
    return (
      <NarrowPage title={heading}>
        <p role="status">
          The password of {done} is set. <Link to={loginPath()}>Log in</Link>
        </p>
      </NarrowPage>
    );
  }
  return (
    <NarrowPage title={heading}>
      <p>
        Choose a password for <strong>{invite.user}</strong>. This link works once, until{" "}
        <time dateTime={invite.expires}>{formatTime(invite.expires)}</time>.
      </p>
      <form className="stacked" onSubmit={setUp} aria-label="Set your password">
        <PasswordField
          label="New password"
          autoComplete="new-password"
          value={password}
          onChange={setPassword}
        />
        <PasswordField
          label="Confirm the password"
          autoComplete="new-password"
          value={confirm}
          onChange={setConfirm}
        />
        <OtpSetup invite={invite} />
        {invite.otp_secret === undefined ? null : (
          <OtpCodeField
            label={invite.otp_required ? "Code from the app" : "Code from the app (optional)"}
            required={invite.otp_required}
            value={code}
            onChange={setCode}
          />
        )}
        <ErrorAlert failure={failure} />
        <SubmitButton busy={busy} label="Set password" busyLabel="Saving…" />
      </form>
    </NarrowPage>
  );
}
