import type { AccountEvent, AccountEventsFilter } from '../api/api-types.js';
import { links } from '../router.js';
import { el, focusFirstNew, replaceChildren, uniqueId } from '../ui/dom.js';
import { bidiControlsShown, words } from '../ui/format.js';
import { showMoreButton, showPageFailure } from '../ui/show-more.js';
import { exactTimeElement } from '../ui/time-element.js';
import { EXPIRY_REASONS, LEAK_ACTIONS, TITLES } from './history-timeline.js';
import type { ViewContext } from './view-context.js';

/** The kinds GET /v1/events lists (docs/api.md, The account's audit log): never a use. */
const KINDS = ['KeyCreated', 'KeyUpdated', 'KeyDisabled', 'KeyEnabled', 'KeyRolled', 'KeyRevoked', 'KeyExpired', 'KeySecretReissued', 'KeyLeakReported'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

const SYSTEM_REASONS: Record<string, string> = {
  ...EXPIRY_REASONS,
  secret_scanning: 'a secret scanning report',
  roll_not_recorded: 'a roll that could not be recorded',
};

/**
 * The filters a link gives that the API takes: a kind it lists, key ids (UUIDs), instants. Anything else is dropped,
 * never sent: a whole key pasted into a link's key_id would otherwise go out in a request's URL.
 */
export function auditFilterOf(query: URLSearchParams): AccountEventsFilter {
  const filter: AccountEventsFilter = {};
  const type = query.get('type');
  if (type !== null && KINDS.includes(type)) filter.type = type;
  for (const name of ['key_id', 'actor_key_id'] as const) {
    const value = query.get(name);
    if (value !== null && UUID.test(value)) filter[name] = value.toLowerCase();
  }
  for (const name of ['created_gte', 'created_lt'] as const) {
    const value = query.get(name);
    if (value !== null && !Number.isNaN(Date.parse(value))) filter[name] = new Date(value).toISOString();
  }
  return filter;
}

/** The account's audit log: every change to its keys and who made it, newest first, filtered and paged by the API. */
export function auditLogView(ctx: ViewContext, query: URLSearchParams, droppedNote?: string): HTMLElement {
  const filter = auditFilterOf(query);
  const wanted = links.events({ ...filter });
  // A link's filter the API would refuse (or a whole key in it) is not sent: the URL shows what is listed.
  if (location.hash !== wanted && location.hash !== '') history.replaceState(null, '', wanted);
  const list = el('ol', { class: 'timeline audit-log' });
  const footer = el('div', { class: 'list-footer' });
  let loads = 0;

  const load = (startingAfter?: string) => {
    const current = ++loads;
    replaceChildren(footer, el('p', { class: 'muted', text: 'Loading the audit log…' }));
    ctx.api.listAccountEvents(filter, startingAfter).then(
      (page) => {
        if (current !== loads) return;
        const shown = list.childElementCount;
        for (const entry of page.data) list.append(auditEntry(entry));
        if (startingAfter !== undefined) focusFirstNew(list.children[shown] as HTMLElement | undefined);
        else if (Object.keys(filter).length > 0) ctx.status.say(page.data.length === 0 ? 'No event matches these filters.' : `Listed ${page.data.length}${page.has_more ? ' (more below)' : ''} events.`);
        if (page.has_more) replaceChildren(footer, more(page.data.at(-1)?.id));
        else replaceChildren(footer, list.childElementCount === 0 ? el('p', { class: 'muted', text: Object.keys(filter).length > 0 ? 'No event matches these filters.' : 'No events yet.' }) : null);
      },
      (error: unknown) => {
        if (current !== loads) return;
        showPageFailure(footer, ctx.fail(error), startingAfter === undefined ? null : more(startingAfter));
      },
    );
  };
  const more = (startingAfter: string | undefined) =>
    showMoreButton('Show more events', () => {
      ctx.status.clear();
      load(startingAfter);
    });
  const refresh = el('button', { class: 'button button--secondary', text: 'Refresh', attrs: { type: 'button' } });
  refresh.addEventListener('click', () => {
    ctx.status.clear();
    list.replaceChildren();
    load();
  });
  load();

  return el(
    'div',
    { class: 'view' },
    el('div', { class: 'view-header' }, el('h1', { attrs: { tabindex: -1 }, text: 'Audit log' }), refresh),
    el('p', { class: 'lead', text: 'Every change to the account’s keys and who made it, newest first (uses are in each key’s history).' }),
    filterForm(filter, droppedNote),
    list,
    footer,
  );
}

/** The API's filters as a form; applying it changes the URL, which draws the screen again (a step of the history). */
function filterForm(filter: AccountEventsFilter, droppedNote: string | undefined): HTMLElement {
  const errorId = uniqueId('audit-filter-error');
  const field = (label: string, input: HTMLInputElement | HTMLSelectElement, hint?: string) => {
    const hintId = hint === undefined ? undefined : uniqueId('audit-hint');
    input.setAttribute('aria-describedby', hintId === undefined ? errorId : `${hintId} ${errorId}`);
    return el(
      'div',
      { class: 'field' },
      el('label', { class: 'label', attrs: { for: input.id }, text: label }),
      input,
      hint === undefined ? null : el('p', { class: 'hint', attrs: { id: hintId }, text: hint }),
    );
  };
  const input = (type: string, value: string) => {
    const made = el('input', { class: 'input', attrs: { id: uniqueId('audit-filter'), type, autocomplete: 'off', spellcheck: 'false' } });
    made.value = value;
    return made;
  };
  const kind = el(
    'select',
    { class: 'input', attrs: { id: uniqueId('audit-filter') } },
    el('option', { attrs: { value: '' }, text: 'All kinds' }),
    ...KINDS.map((value) => el('option', { attrs: { value }, text: TITLES[value] ?? value })),
  );
  kind.value = filter.type ?? '';
  const keyId = input('text', filter.key_id ?? '');
  const actorKeyId = input('text', filter.actor_key_id ?? '');
  const from = input('date', filter.created_gte === undefined ? '' : localDay(new Date(filter.created_gte)));
  // created_lt is the start of the day after the last one listed.
  const until = input('date', filter.created_lt === undefined ? '' : localDay(new Date(Date.parse(filter.created_lt) - 1)));
  const error = el('p', { class: 'form-error', attrs: { id: errorId, role: 'alert', tabindex: -1 } });
  // A whole key in the link (dropped before anything was drawn or asked: url-key-guard.ts) is said where filters are.
  if (droppedNote !== undefined) error.textContent = droppedNote;
  const apply = el('button', { class: 'button button--primary', text: 'Apply filters', attrs: { type: 'submit' } });
  const clear = el('a', { class: 'button button--secondary', attrs: { href: links.events() }, text: 'Clear filters' });
  const form = el(
    'form',
    { class: 'audit-filters', attrs: { novalidate: true, 'aria-label': 'Filter the audit log' } },
    el(
      'div',
      { class: 'field-row' },
      field('Kind', kind),
      field('Key id', keyId, 'The key the events are about.'),
      field('Made by key id', actorKeyId, 'The key that made the changes.'),
      field('From (day)', from),
      field('Until (day, included)', until),
    ),
    error,
    el('div', { class: 'actions' }, apply, clear),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    for (const f of [keyId, actorKeyId, from, until]) f.removeAttribute('aria-invalid');
    // Checked here, never sent otherwise: a key id is a UUID, so a whole key pasted by mistake does not leave the page.
    for (const [f, name] of [[keyId, 'Key id'], [actorKeyId, 'Made by key id']] as const) {
      if (f.value.trim() !== '' && !UUID.test(f.value.trim())) {
        error.textContent = `${name} must be a key’s id, as a key’s page shows it (8-4-4-4-12 hexadecimal digits). Nothing was sent.`;
        f.setAttribute('aria-invalid', 'true');
        f.focus();
        return;
      }
    }
    const days = [from.value, until.value].filter((day) => day !== '' && !DAY.test(day));
    if (days.length > 0) {
      error.textContent = 'A day must be a date (year-month-day).';
      return;
    }
    error.textContent = '';
    location.hash = links.events({
      type: kind.value || undefined,
      key_id: keyId.value.trim().toLowerCase() || undefined,
      actor_key_id: actorKeyId.value.trim().toLowerCase() || undefined,
      created_gte: from.value === '' ? undefined : startOfLocalDay(from.value).toISOString(),
      created_lt: until.value === '' ? undefined : startOfLocalDay(until.value, 1).toISOString(),
    });
  });
  return form;
}

/** Midnight (the browser's time zone) starting the day, or `after` days later. */
function startOfLocalDay(day: string, after = 0): Date {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y, m - 1, d + after);
}

function localDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function auditEntry(entry: AccountEvent): HTMLLIElement {
  const title = TITLES[entry.type] ?? entry.type;
  return el(
    'li',
    { class: 'timeline__item timeline__item--lifecycle', attrs: { 'data-entry-id': entry.id } },
    el(
      'div',
      { class: 'timeline__head' },
      el('span', { class: 'timeline__type', text: title }),
      exactTimeElement(entry.occurred_at),
      el('span', { class: 'timeline__position', text: `log #${entry.position}`, attrs: { title: 'Position in the event log' } }),
    ),
    el('p', { class: 'timeline__summary' }, 'About ', keyLink(entry.key_id, 'its history'), ...what(entry)),
    el('p', { class: 'timeline__summary' }, 'By ', actor(entry), entry.request_id ? `, request ${entry.request_id}` : '', '.'),
    el(
      'details',
      {},
      el('summary', { text: 'Event data' }),
      el('pre', {
        class: 'event-data',
        attrs: { tabindex: '0', 'aria-label': `${title} event data` },
        text: bidiControlsShown(JSON.stringify({ type: entry.type, position: entry.position, data: entry.data }, null, 2)),
      }),
    ),
  );
}

/** What changed, in a few words (the event data has the rest). */
function what(entry: AccountEvent): (Node | string)[] {
  const data = entry.data;
  const text = (name: string) => (typeof data[name] === 'string' ? bidiControlsShown(data[name] as string) : null);
  switch (entry.type) {
    case 'KeyCreated': {
      const name = text('name');
      return [name ? `: named “${name}”` : ': unnamed'];
    }
    case 'KeyUpdated':
      return [`: ${Object.keys((data.changes as Record<string, unknown>) ?? {}).map(words).join(', ') || 'nothing'} changed`];
    case 'KeyRolled':
      return [': replaced by ', keyLink(text('successorKeyId') ?? '', 'the successor')];
    case 'KeyExpired':
      return [`: stopped working because ${EXPIRY_REASONS[text('reason') ?? ''] ?? 'it expired'}`];
    case 'KeyLeakReported': {
      const url = text('sourceUrl');
      return [`: found in public by a secret scanner (${text('scanner') ?? '?'})`, url ? ` at ${url}` : '', `. ${LEAK_ACTIONS[text('action') ?? ''] ?? ''}`];
    }
    case 'KeySecretReissued':
      return [`: new secret ${text('prefix') ?? ''}… (a repeated request)`];
    default:
      return [];
  }
}

function keyLink(id: string, purpose: string): Node {
  return el('a', { attrs: { href: links.key(id), 'aria-label': `key ${id.slice(0, 8)}…, ${purpose}` }, text: `key ${id.slice(0, 8)}…` });
}

function actor(entry: AccountEvent): Node | string {
  if (entry.actor.type === 'api_key' && entry.actor.key_id) return keyLink(entry.actor.key_id, 'the key that made the change');
  if (entry.actor.type === 'operator') return 'the operator CLI';
  return `the service itself (${SYSTEM_REASONS[entry.actor.reason ?? ''] ?? entry.actor.reason ?? 'no reason given'})`;
}
