/** The page's one aria-live region: what just happened, or what went wrong, in words. */
export class StatusRegion {
  constructor(private readonly region: HTMLElement) {}

  say(message: string): void {
    this.show(message, 'status--info');
  }

  error(message: string): void {
    this.show(message, 'status--error');
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
