import type { HourlyCount } from '../api/api-types.js';
import { el } from './dom.js';
import { count } from './format.js';

const dayAndHourFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });

/**
 * A chart's hours as a table, behind a disclosure: each bar's count was in its SVG <title> only, shown on a mouse's
 * hover, so a keyboard or a screen reader got the chart's summary and never an hour's number (WCAG 1.1.1, 2.1.1).
 */
export function usageTable(hours: HourlyCount[]): HTMLElement {
  return el(
    'details',
    { class: 'usage-table' },
    el('summary', { text: 'Requests by hour as a table' }),
    el(
      'table',
      { class: 'data-table' },
      el('thead', {}, el('tr', {}, el('th', { attrs: { scope: 'col' }, text: 'Hour starting' }), el('th', { attrs: { scope: 'col' }, text: 'Requests' }))),
      el(
        'tbody',
        {},
        ...hours.map((hour) =>
          el(
            'tr',
            {},
            el('th', { attrs: { scope: 'row' } }, el('time', { attrs: { datetime: hour.hour }, text: dayAndHourFormat.format(new Date(hour.hour)) })),
            el('td', { class: 'number', text: count(hour.count) }),
          ),
        ),
      ),
    ),
  );
}
