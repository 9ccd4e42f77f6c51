import type { ApiKeyView } from '../../keys/projection/api-key-view.js';

/**
 * The `size` views of the highest createdPosition offered, newest first; a view offered twice (a server's collection scan
 * may meet a view again after a write moved it) counts once, at its newest revision.
 */
export class NewestViews {
  private readonly kept: ApiKeyView[] = [];

  constructor(private readonly size: number) {}

  offer(view: ApiKeyView): void {
    const same = this.kept.findIndex((kept) => kept.id === view.id);
    if (same !== -1) {
      if (this.kept[same].revision >= view.revision) return;
      this.kept.splice(same, 1);
    }
    if (this.kept.length === this.size && this.kept[this.size - 1].createdPosition >= view.createdPosition) return;
    const at = this.kept.findIndex((kept) => kept.createdPosition < view.createdPosition);
    this.kept.splice(at === -1 ? this.kept.length : at, 0, view);
    if (this.kept.length > this.size) this.kept.pop();
  }

  views(): ApiKeyView[] {
    return [...this.kept];
  }
}
