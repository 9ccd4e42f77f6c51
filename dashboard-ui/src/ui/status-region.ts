import { el } from './dom.js';

/** A button shown with a message: the one thing to do about it. */
export interface StatusAction {
  label: string;
  run: () => void;
}

/** The page's one aria-live region: what just happened, or what went wrong, in words. */
export class StatusRegion {
  constructor(private readonly region: HTMLElement) {}

  say(message: string): void {
    this.show(message, 'status--info');
  }

  error(message: string, action?: StatusAction): void {
    this.show(message, 'status--error');
    if (!action) return;
    const button = el('button', { class: 'button button--secondary', text: action.label, attrs: { type: 'button' } });
    button.addEventListener('click', action.run);
    this.region.append(' ', button);
  }

  clear(): void {
    this.region.textContent = '';
    this.region.className = 'status';
  }

  private show(message: string, tone: string): void {
    this.region.className = `status ${tone}`;
    this.region.textContent = message;
  }
}
