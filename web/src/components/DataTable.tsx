// The app's tables of records (audit events, recordings, nodes): named for screen readers and
// scrolled sideways in a box of their own, so a narrow window never scrolls the whole page.
import type { ReactNode } from "react";
import { activateOnKey } from "../keys";

export function DataTable(props: { label: string; head: ReactNode; children: ReactNode }) {
  return (
    <div className="table-scroll">
      <table className="data" aria-label={props.label}>
        <thead>
          <tr>{props.head}</tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

/** Plain column headings, in order. */
export function ColumnHeads({ names }: { names: readonly string[] }) {
  return (
    <>
      {names.map((name) => (
        <th key={name} scope="col">
          {name}
        </th>
      ))}
    </>
  );
}

/** A row that opens something (an event's JSON, the player) on a click, Enter or Space. */
export function OpeningRow(props: {
  label: string;
  onOpen: () => void;
  /** What opens is a dialog over the page (not another page). */
  opensDialog?: boolean;
  children: ReactNode;
}) {
  return (
    <tr
      className="clickable"
      tabIndex={0}
      aria-label={props.label}
      aria-haspopup={props.opensDialog ? "dialog" : undefined}
      onClick={() => props.onOpen()}
      onKeyDown={activateOnKey(props.onOpen)}
    >
      {props.children}
    </tr>
  );
}
