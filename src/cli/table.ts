/**
 * Control characters (C0, DEL, C1) and bidirectional controls, shown as `\uXXXX` in a table: values come from the
 * log, some of them from clients (a use's user agent, as a gateway passes it to verify), and printed raw on the
 * operator's terminal an ESC sequence could recolour or retitle it, or a CR/LF forge lines of the table.
 */
const UNPRINTABLE = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

function printable(text: string): string {
  return text.replace(UNPRINTABLE, (character) => `\\u${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/** What a terminal shows in two columns: East Asian wide and fullwidth characters, emoji shown as emoji. */
const WIDE =
  /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uA960-\uA97F\uAC00-\uD7A3\uF900-\uFAFF\uFE10-\uFE19\uFE30-\uFE6F\uFF00-\uFF60\uFFE0-\uFFE6\u{20000}-\u{3FFFD}\uFE0F]|\p{Emoji_Presentation}/u;
/** What it shows in none: format characters and marks alone (a zero-width space, a joiner). */
const ZERO_WIDTH = /^[\p{Cf}\p{Mn}\p{Me}]+$/u;

/** The columns a terminal gives a text: by grapheme (a letter and its accents are one), wide ones two. */
function displayWidth(text: string): number {
  let width = 0;
  for (const { segment } of GRAPHEMES.segment(text)) width += ZERO_WIDTH.test(segment) ? 0 : WIDE.test(segment) ? 2 : 1;
  return width;
}

const padEnd = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - displayWidth(text)));

/** Plain-text tables for people: columns padded to their widest cell as a terminal shows it, no colours, no borders. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const shown = rows.map((row) => row.map(printable));
  const widths = headers.map((header, column) => Math.max(displayWidth(header), ...shown.map((row) => displayWidth(row[column]))));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : padEnd(cell, widths[column])))
      .join('  ')
      .trimEnd();
  return [line(headers), ...shown.map(line)].join('\n') + '\n';
}

/** One record as label/value lines, for a single object (show, create-key, revoke). */
export function renderRecord(fields: readonly (readonly [string, string])[]): string {
  const width = Math.max(...fields.map(([label]) => label.length));
  return fields.map(([label, value]) => `${label.padEnd(width)}  ${printable(value)}`).join('\n') + '\n';
}

/** A cell for a value that may be absent. */
export const cell = (value: string | number | null | undefined): string => (value === null || value === undefined ? '-' : String(value));
