import { el } from '../ui/dom.js';

/** Where a control that changes keys would be, for a key known to lack keys:write (ViewContext.canWrite). */
export function readOnlyNote(): HTMLElement {
  return el('p', { class: 'hint', text: 'This tab’s key can only read (it lacks keys:write): creating, changing and revoking keys need a key that has it.' });
}
