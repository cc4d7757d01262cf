// A page outside the signed-in frame (log in, invite): its heading over one narrow column.
import type { ReactNode } from "react";

export function NarrowPage({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main id="main" className="narrow-page">
      <h1>{title}</h1>
      {children}
    </main>
  );
}
