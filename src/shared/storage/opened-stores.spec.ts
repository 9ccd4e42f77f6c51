import { OpenedStores } from './opened-stores.js';

describe('OpenedStores', () => {
  const closable = (log: string[], name: string) => ({ name, close: async () => void log.push(name) });

  it('opens each store once, even for concurrent callers, and closes them last opened first', async () => {
    const log: string[] = [];
    const stores = new OpenedStores();
    let openings = 0;
    const open = () => {
      openings += 1;
      return closable(log, 'a');
    };
    const [first, second] = await Promise.all([stores.once('a', open), stores.once('a', open)]);
    await stores.once('b', () => closable(log, 'b'));
    expect(first).toBe(second);
    expect(openings).toBe(1);
    await stores.closeAll();
    expect(log).toEqual(['b', 'a']);
  });

  it('tries a failed opening again on the next call', async () => {
    const stores = new OpenedStores();
    await expect(stores.once('a', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    await expect(stores.once('a', () => closable([], 'a'))).resolves.toMatchObject({ name: 'a' });
    await stores.closeAll();
  });
});
