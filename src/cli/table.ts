import stringWidth from 'string-width';

/**
 * Control characters (C0, DEL, C1), bidirectional controls and the line and paragraph separators (U+2028, U+2029),
 * shown as `\uXXXX` in a table: values come from the log, some of them from clients (a use's user agent, as a gateway
 * passes it to verify; a scanner's report URL), and printed raw on the operator's terminal an ESC sequence could
 * recolour or retitle it, or a CR/LF or a separator (on a terminal that honours them) forge lines of the table. The
 * same set as the JSON output escapes (output.ts), C0 included.
 */
const UNPRINTABLE = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;

function printable(text: string): string {
  return text.replace(UNPRINTABLE, (character) => `\\u${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

/** The columns a terminal gives a text (string-width: by grapheme, East Asian wide characters and emoji two, marks none). */
const padEnd = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - stringWidth(text)));

/** Plain-text tables for people: columns padded to their widest cell as a terminal shows it, no colours, no borders. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const shown = rows.map((row) => row.map(printable));
  // A reduce, not Math.max(...) over the rows: V8 refuses that many arguments from about 130,000 (a busy key's history).
  const widths = headers.map((header, column) => shown.reduce((widest, row) => Math.max(widest, stringWidth(row[column])), stringWidth(header)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : padEnd(cell, widths[column])))
      .join('  ')
      .trimEnd();
  return [line(headers), ...shown.map(line)].join('\n') + '\n';
}

/**
 * A table printed a batch of rows at a time (`list --all`), the header with the first: each column padded to the widest cell
 * met so far, so that nothing but the batch is held. The first batch reads as renderTable would print it; a later cell
 * wider than any before widens its column from there on.
 */
export class StreamedTable {
  private widths: number[] | null = null;

  constructor(private readonly headers: readonly string[]) {}

  /** The lines of these rows, the header's before the first batch's. */
  lines(rows: readonly (readonly string[])[]): string {
    const shown = rows.map((row) => row.map(printable));
    const first = this.widths === null;
    const widths = (this.widths ??= this.headers.map((header) => stringWidth(header)));
    for (const row of shown) row.forEach((cell, column) => (widths[column] = Math.max(widths[column], stringWidth(cell))));
    const lines = (first ? [this.headers, ...shown] : shown).map((cells) =>
      cells
        .map((cell, column) => (column === cells.length - 1 ? cell : padEnd(cell, widths[column])))
        .join('  ')
        .trimEnd(),
    );
    return lines.length === 0 ? '' : lines.join('\n') + '\n';
  }
}

/** One record as label/value lines, for a single object (show, create-key, revoke). */
export function renderRecord(fields: readonly (readonly [string, string])[]): string {
  const width = Math.max(...fields.map(([label]) => label.length));
  return fields.map(([label, value]) => `${label.padEnd(width)}  ${printable(value)}`).join('\n') + '\n';
}

/** A cell for a value that may be absent. */
export const cell = (value: string | number | null | undefined): string => (value === null || value === undefined ? '-' : String(value));
