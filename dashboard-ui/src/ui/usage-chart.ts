import type { HourlyCount } from '../api/api-types.js';
import { svg } from './dom.js';
import { count } from './format.js';

const BAR_WIDTH = 4;
const GAP = 1;
const HEIGHT = 32;

const hourFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayAndHourFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });

/**
 * When the chart starts: its first bucket's hour, 23 hours before the current one. "The last 24 hours" it is
 * not (at 16:05 the chart starts at 17:00 the day before), so the label names the hour.
 */
export function chartStart(hours: HourlyCount[]): string {
  return hours.length === 0 ? 'now' : dayAndHourFormat.format(new Date(hours[0].hour));
}

/** Requests per hour, oldest first, as bars; its label says what a screen reader cannot see. */
export function usageChart(hours: HourlyCount[], size: 'small' | 'large' = 'small'): SVGSVGElement {
  const total = hours.reduce((sum, h) => sum + h.count, 0);
  const peak = hours.reduce((best, h) => (h.count > best.count ? h : best), { hour: '', count: 0 });
  const label =
    total === 0
      ? `No requests since ${chartStart(hours)}`
      : `${requests(total)} since ${chartStart(hours)}, busiest hour ${hourFormat.format(new Date(peak.hour))} with ${count(peak.count)}`;
  const width = hours.length * (BAR_WIDTH + GAP) - GAP;
  const chart = svg('svg', {
    class: `usage-chart usage-chart--${size}`,
    viewBox: `0 0 ${width} ${HEIGHT}`,
    preserveAspectRatio: 'none',
    role: 'img',
    'aria-label': label,
  });
  chart.append(svg('title', {}, label));
  hours.forEach((hour, index) => {
    const height = hour.count === 0 ? 1 : Math.max(2, Math.round((hour.count / peak.count) * HEIGHT));
    chart.append(
      svg(
        'rect',
        {
          class: hour.count === 0 ? 'bar bar--empty' : 'bar',
          x: index * (BAR_WIDTH + GAP),
          y: HEIGHT - height,
          width: BAR_WIDTH,
          height,
          'data-count': hour.count,
        },
        svg('title', {}, `${hourFormat.format(new Date(hour.hour))}: ${requests(hour.count)}`),
      ),
    );
  });
  return chart;
}

/** "1 request", "2 requests", "1,000 requests". */
const requests = (n: number): string => `${count(n)} ${n === 1 ? 'request' : 'requests'}`;
