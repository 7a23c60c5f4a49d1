import type { ReactNode } from "react";

/**
 * A table in its scrolling wrapper: a heading per column and, with `actions`, a last column
 * for row buttons whose heading only screen readers hear.
 */
export function DataTable({
  columns,
  actions = false,
  caption,
  className,
  children,
}: {
  columns: string[];
  actions?: boolean;
  caption?: string;
  className?: string;
  /** The rows. */
  children: ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table className={className ? `table ${className}` : "table"}>
        {caption && <caption>{caption}</caption>}
        <thead>
          <tr>
            {columns.map((column) => (
              <th scope="col" key={column}>
                {column}
              </th>
            ))}
            {actions && (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
