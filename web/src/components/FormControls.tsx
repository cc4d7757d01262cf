// Form controls the pages share: a text field (the filters), a password and the code of an
// authenticator app (login, invite), and a submit button that says when the form is being sent.
interface FieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** The input's name (what the browser's password manager keys on). */
  name?: string;
}

/** Free text; `search` (a filter on text) gives the browser's clear button. */
export function TextField(props: FieldProps & { type?: "text" | "search" }) {
  return (
    <label>
      {props.label}
      <input
        name={props.name}
        type={props.type ?? "text"}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </label>
  );
}

export function PasswordField(
  props: FieldProps & { autoComplete: "current-password" | "new-password" },
) {
  return (
    <label>
      {props.label}
      <input
        name={props.name}
        type="password"
        autoComplete={props.autoComplete}
        required
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </label>
  );
}

/** The 6-digit TOTP code; spaces around a pasted code are dropped. */
export function OtpCodeField(props: FieldProps & { required: boolean }) {
  return (
    <label>
      {props.label}
      <input
        name={props.name}
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="\d{6}"
        title="the 6-digit code from your authenticator app"
        required={props.required}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value.trim())}
      />
    </label>
  );
}

export function SubmitButton(props: { busy: boolean; label: string; busyLabel: string }) {
  return (
    <button type="submit" className="primary" disabled={props.busy}>
      {props.busy ? props.busyLabel : props.label}
    </button>
  );
}
