import { renderRecord, renderTable, StreamedTable } from './table.js';

/** A user agent as a client may send it through verify's context: it retitles the terminal, recolours it, forges a line. */
const HOSTILE = '\u001B]0;owned\u0007\u001B[31mred\u001B[0m\r\nid  forged\u009B2J\u202Eevil';

describe('table: a value from the log never reaches the terminal as a control character', () => {
  it('shows the control and bidirectional characters of a record value as \\u escapes, on one line', () => {
    const text = renderRecord([['last user agent', HOSTILE]]);
    expect(text).toBe('last user agent  \\u001B]0;owned\\u0007\\u001B[31mred\\u001B[0m\\u000D\\u000Aid  forged\\u009B2J\\u202Eevil\n');
  });

  it('escapes them in a table cell too, and pads the columns by what is shown', () => {
    const text = renderTable(['NAME', 'ID'], [['a\u001Bb', '1'], ['plain', '2']]);
    expect(text).toBe('NAME      ID\na\\u001Bb  1\nplain     2\n');
  });

  // A terminal that honours U+2028/U+2029 breaks the row there (the JSON output escapes them since 2026-12-07; the table left them raw until then).
  it('shows the line and paragraph separators (U+2028, U+2029) as \\u escapes, in a record and a table cell', () => {
    const url = 'https://example.test/a\u2028id  forged\u2029b';
    expect(renderRecord([['source url', url]])).toBe('source url  https://example.test/a\\u2028id  forged\\u2029b\n');
    expect(renderTable(['NAME', 'ID'], [['x\u2028y', '1']])).toBe('NAME      ID\nx\\u2028y  1\n');
  });

  it('leaves printable text as it is', () => {
    expect(renderRecord([['name', 'Ünïcødé key « ok »']])).toBe('name  Ünïcødé key « ok »\n');
  });
});

describe('table: columns line up as a terminal shows them', () => {
  it('pads a name of wide characters (emoji, CJK) and of decomposed accents by the columns they take', () => {
    const text = renderTable(
      ['NAME', 'PREFIX'],
      [
        ['Bootstrap key', 'sk_a'],
        ['Clé 🔑 名前', 'sk_b'],
        ['Cle\u0301 e\u0301te\u0301', 'sk_c'],
      ],
    );
    // Each PREFIX starts in column 15: "Clé 🔑 名前" is 9 characters (10 UTF-16 units) but 11 columns wide.
    expect(text.split('\n')).toEqual(['NAME           PREFIX', 'Bootstrap key  sk_a', 'Clé 🔑 名前    sk_b', 'Cle\u0301 e\u0301te\u0301        sk_c', '']);
  });
});

describe('table: as many rows as a busy key has events', () => {
  // history --table of a key with 140,001 events ended with "error: Maximum call stack size exceeded": each column's
  // width was Math.max over every row spread as arguments, which V8 refuses from about 130,000.
  it('renders 200,000 rows', () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => [String(i), 'KeyUsed']);
    const lines = renderTable(['N', 'TYPE'], rows).split('\n');
    expect([lines.length, lines[0], lines[200_000]]).toEqual([200_002, 'N       TYPE', '199999  KeyUsed']);
  });
});

describe('StreamedTable: a table printed a batch at a time (list --all)', () => {
  it('prints its first batch as renderTable does, header included, and a header alone for no rows', () => {
    const rows = [['k1', 'short', '1'], ['k2', 'a longer name\u001B', '22']];
    expect(new StreamedTable(['ID', 'NAME', 'N']).lines(rows)).toBe(renderTable(['ID', 'NAME', 'N'], rows));
    expect(new StreamedTable(['ID', 'NAME', 'N']).lines([])).toBe(renderTable(['ID', 'NAME', 'N'], []));
  });

  it('pads later batches to the widest cell met so far, without a header: the same cells, line for line', () => {
    const table = new StreamedTable(['ID', 'NAME', 'N']);
    const text = table.lines([['k1', 'ab', '1']]) + table.lines([['k2', 'a', '2']]) + table.lines([['k3', 'abcdef', '3'], ['k4', 'x', '4']]);
    expect(text).toBe('ID  NAME  N\nk1  ab    1\nk2  a     2\nk3  abcdef  3\nk4  x       4\n');
  });
});
