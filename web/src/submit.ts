// A form's call to the API: busy while it runs, and on failure its message shown with the form
// left as it was, to correct and send again. On success the caller moves on.
import { useState } from "react";
import { errorMessage } from "./api";

export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();
  const submit = <T>(call: () => Promise<T>, done: (result: T) => void): void => {
    setBusy(true);
    setFailure(undefined);
    call().then(done, (error: unknown) => {
      setFailure(errorMessage(error));
      setBusy(false);
    });
  };
  return { busy, failure, setFailure, submit };
}
