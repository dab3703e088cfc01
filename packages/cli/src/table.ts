// Hand-written: a dozen lines of padEnd; table libraries bring borders and wrapping we do not want.

export interface Column<T> {
  header: string;
  get: (row: T) => string | number | undefined;
  /** Numbers read better right-aligned. */
  align?: "left" | "right";
}

/** Renders rows as aligned plain-text columns (two spaces apart), with a header line. */
export function formatTable<T>(columns: Column<T>[], rows: T[]): string {
  const cells = rows.map((row) => columns.map((c) => String(c.get(row) ?? "-")));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]): string =>
    values
      .map((v, i) => (columns[i]!.align === "right" ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join("\n") + "\n";
}
