/** Marks the element that holds a full key shown once: the only copy the user will ever see. */
export const ONE_TIME_SECRET = 'data-one-time-secret';

/** Whether a full key is on the page now, so nothing advises a reload that would remove it for good. */
export function secretOnPage(): boolean {
  return document.querySelector(`[${ONE_TIME_SECRET}]`) !== null;
}
