// A page that only says something: loading, not found, not allowed, or why the app cannot start.
import type { ReactNode } from "react";

export function Message({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <section className="message" aria-live="polite">
      <h1>{title}</h1>
      {children === undefined ? null : <p>{children}</p>}
    </section>
  );
}
