import { makeView } from '../../../test/support/api-key-view.js';
import type { ApiKeyView } from '../../keys/projection/api-key-view.js';
import { type NewestFirst, NewestViews } from './newest-views.js';

const BY_CREATION: NewestFirst<ApiKeyView> = { position: (view) => view.createdPosition, id: (view) => view.id };

describe('NewestViews', () => {
  it('keeps the views of the highest createdPosition, newest first, whatever the order offered', () => {
    const views = [5, 1, 9, 3, 7, 2].map((createdPosition) => makeView({ createdPosition }));
    const newest = new NewestViews(3, BY_CREATION);
    for (const view of views) newest.offer(view);
    expect(newest.views().map((view) => view.createdPosition)).toEqual([9, 7, 5]);
  });

  it('counts a view offered twice once, at its newer revision', () => {
    const older = makeView({ createdPosition: 4, revision: 1, name: 'old' });
    const newer = { ...older, revision: 2, name: 'new' };
    const newest = new NewestViews(2, BY_CREATION);
    for (const view of [older, makeView({ createdPosition: 1 }), newer, older]) newest.offer(view);
    expect(newest.views().map((view) => [view.createdPosition, view.name])).toEqual([
      [4, 'new'],
      [1, 'A key'],
    ]);
  });

  it('keeps what sorting every view offered would keep, for many offers, duplicates and sizes', () => {
    const views = Array.from({ length: 2000 }, (_, n) => makeView({ createdPosition: ((n * 7919) % 2000) + 1, revision: 0 }));
    const offers = [...views, ...views.slice(0, 300).map((view) => ({ ...view, revision: 1, name: 'newer' })), ...views.slice(0, 100)];
    for (const size of [1, 7, 500, 1999, 2000, 2500]) {
      const newest = new NewestViews(size, BY_CREATION);
      for (const view of offers) newest.offer(view);
      const expected = [...views]
        .sort((a, b) => b.createdPosition - a.createdPosition)
        .slice(0, size)
        .map((view) => (offers.find((o) => o.id === view.id && o.revision === 1) ?? view));
      expect(newest.views()).toEqual(expected);
    }
  });
});
