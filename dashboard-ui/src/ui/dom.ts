/**
 * The only way this app builds DOM: elements, attributes and text nodes. Strings from the API become
 * text, never markup, so a key named "<img onerror=…>" is shown as those characters.
 */
export type Child = Node | string | null | undefined | false;

export interface ElementOptions {
  class?: string;
  text?: string;
  attrs?: Record<string, string | number | boolean | null | undefined>;
  on?: { [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void };
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElementOptions = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (options.class) element.className = options.class;
  if (options.text !== undefined) element.textContent = options.text;
  setAttributes(element, options.attrs);
  for (const [type, listener] of Object.entries(options.on ?? {})) element.addEventListener(type, listener as EventListener);
  append(element, ...children);
  return element;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  setAttributes(element, attrs);
  append(element, ...children);
  return element;
}

export function append(parent: Element, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** Replaces everything inside `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

function setAttributes(element: Element, attrs: ElementOptions['attrs'] = {}): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
}

let nextId = 0;
/** Ids for label/aria wiring, unique within the page. */
export function uniqueId(prefix: string): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

/** Moves focus to the first focusable heading inside `container`, so screen readers start at the new content. */
export function focusHeading(container: Element): void {
  container.querySelector<HTMLElement>('h1[tabindex="-1"], h2[tabindex="-1"]')?.focus();
}

/**
 * After "Show more": the button that had the focus went with the page it loaded, leaving the focus on the page's body,
 * so a keyboard would start again from the top. The first new item takes it instead, when nothing else has it.
 */
export function focusFirstNew(item: HTMLElement | null | undefined): void {
  if (!item || (document.activeElement !== null && document.activeElement !== document.body)) return;
  if (!item.hasAttribute('tabindex') && item.tabIndex < 0) item.setAttribute('tabindex', '-1');
  item.focus();
}
