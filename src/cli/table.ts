/** Plain-text tables for people: columns padded to their widest cell, no colours, no borders. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

/** One record as label/value lines, for a single object (show, create-key, revoke). */
export function renderRecord(fields: readonly (readonly [string, string])[]): string {
  const width = Math.max(...fields.map(([label]) => label.length));
  return fields.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n') + '\n';
}

/** A cell for a value that may be absent. */
export const cell = (value: string | number | null | undefined): string => (value === null || value === undefined ? '-' : String(value));
