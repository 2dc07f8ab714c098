import type { ReactNode } from "react";

/** One admin figure: a label, the value in tabular figures, and a line of context. */
export function FigureCard({
  label,
  value,
  note,
}: {
  label: string;
  value: ReactNode;
  note?: ReactNode;
}) {
  return (
    <div className="admin-figure">
      <div className="admin-figure-label">{label}</div>
      <div className="admin-figure-value num">{value}</div>
      {note ? <div className="admin-figure-note">{note}</div> : null}
    </div>
  );
}
