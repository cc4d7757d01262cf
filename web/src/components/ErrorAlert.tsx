// Why something failed, announced at once by screen readers; nothing while there is no failure.
export function ErrorAlert({ failure, what }: { failure: string | undefined; what?: string }) {
  if (failure === undefined) return null;
  return (
    <p className="error" role="alert">
      {what === undefined ? failure : `${what}: ${failure}`}
    </p>
  );
}
