import type { Decider } from '../decider.js';
import { DomainError } from '../domain-error.js';
import { DeciderSpecification, DeciderSpecificationFailed } from './decider-specification.js';

/** A toy aggregate: a counter that can be opened once and incremented while open. */
type CounterEvent = { type: 'Opened'; at: Date } | { type: 'Incremented'; by: number; note?: string };
type CounterCommand = { type: 'Open'; at: Date } | { type: 'Increment'; by: number; note?: string };
type CounterState = { open: boolean; total: number };

class NotOpen extends DomainError {
  readonly kind = 'rule_violated';
  constructor(readonly attempted: number) {
    super('The counter is not open.');
  }
}
class AlreadyOpen extends DomainError {
  readonly kind = 'conflict';
  constructor() {
    super('The counter is already open.');
  }
}

const counter: Decider<CounterState, CounterCommand, CounterEvent> = {
  initialState: () => ({ open: false, total: 0 }),
  evolve: (state, event) => (event.type === 'Opened' ? { ...state, open: true } : { ...state, total: state.total + event.by }),
  decide: (state, command) => {
    if (command.type === 'Open') {
      if (state.open) throw new AlreadyOpen();
      return [{ type: 'Opened', at: command.at }];
    }
    if (!state.open) throw new NotOpen(command.by);
    if (command.by === 0) return [];
    return [{ type: 'Incremented', by: command.by, ...(command.note === undefined ? {} : { note: command.note }) }];
  },
};

const { given } = DeciderSpecification.for(counter);
const at = new Date('2026-01-01T00:00:00.000Z');
const opened: CounterEvent = { type: 'Opened', at };

function failureOf(specification: () => void): DeciderSpecificationFailed {
  try {
    specification();
  } catch (error) {
    if (error instanceof DeciderSpecificationFailed) return error;
    throw new Error(`expected a DeciderSpecificationFailed, got ${String(error)}`);
  }
  throw new Error('expected the specification to fail, and it held');
}

describe('DeciderSpecification', () => {
  describe('then', () => {
    it('holds when decide returns exactly the expected events, folding the given events with evolve', () => {
      given([]).when({ type: 'Open', at }).then([opened]);
      given([opened]).when({ type: 'Increment', by: 2 }).then([{ type: 'Incremented', by: 2 }]);
    });

    it('fails on other events, fewer or more events, and says what decide returned', () => {
      const wrong = failureOf(() => given([opened]).when({ type: 'Increment', by: 2 }).then([{ type: 'Incremented', by: 3 }]));
      expect(wrong.message).toContain('"by": 3');
      expect(wrong.message).toContain('but decide returned');
      failureOf(() => given([opened]).when({ type: 'Increment', by: 2 }).then([]));
      failureOf(() => given([opened]).when({ type: 'Increment', by: 2 }).then([{ type: 'Incremented', by: 2 }, { type: 'Incremented', by: 2 }]));
      failureOf(() => given([opened]).when({ type: 'Increment', by: 2 }).then([{ type: 'Incremented', by: 2, note: 'extra' }]));
      failureOf(() => given([]).when({ type: 'Open', at }).then([{ type: 'Opened', at: new Date(at.getTime() + 1) }]));
    });

    it('treats a property whose value is undefined as absent, as a stored event would', () => {
      given([opened]).when({ type: 'Increment', by: 2 }).then([{ type: 'Incremented', by: 2, note: undefined }]);
    });

    it('fails when decide throws, naming the error', () => {
      const failure = failureOf(() => given([]).when({ type: 'Increment', by: 1 }).then([{ type: 'Incremented', by: 1 }]));
      expect(failure.message).toContain('NotOpen: The counter is not open.');
      expect(failure.cause).toBeInstanceOf(NotOpen);
    });

    it('fails, rather than passing, when a specification is awaited or returned without a then', async () => {
      await expect(Promise.resolve(given([]).when({ type: 'Open', at }))).rejects.toBeInstanceOf(DeciderSpecificationFailed);
    });
  });

  describe('thenNothing', () => {
    it('holds when decide returns no event, and fails when it returns some', () => {
      given([opened]).when({ type: 'Increment', by: 0 }).thenNothing();
      failureOf(() => given([opened]).when({ type: 'Increment', by: 1 }).thenNothing());
    });
  });

  describe('thenThrows', () => {
    it('holds when decide throws the class, a subclass included', () => {
      given([]).when({ type: 'Increment', by: 1 }).thenThrows(NotOpen);
      given([]).when({ type: 'Increment', by: 1 }).thenThrows(DomainError);
    });

    it('fails when decide throws nothing', () => {
      const failure = failureOf(() => given([]).when({ type: 'Open', at }).thenThrows(AlreadyOpen));
      expect(failure.message).toContain('Expected decide to throw AlreadyOpen');
    });

    it('fails when decide throws another class', () => {
      const failure = failureOf(() => given([]).when({ type: 'Increment', by: 1 }).thenThrows(AlreadyOpen));
      expect(failure.message).toContain('but it threw NotOpen');
      failureOf(() => given([]).when({ type: 'Increment', by: 1 }).thenThrows(RangeError));
    });

    it('checks the error with the predicate when one is given', () => {
      given([]).when({ type: 'Increment', by: 7 }).thenThrows(NotOpen, (error) => error.attempted === 7);
      const failure = failureOf(() => given([]).when({ type: 'Increment', by: 7 }).thenThrows(NotOpen, (error) => error.attempted === 8));
      expect(failure.message).toContain('does not satisfy');
    });
  });

  it('lets an evolve that throws surface as it is, not as the decision under test', () => {
    const broken: Decider<CounterState, CounterCommand, CounterEvent> = {
      ...counter,
      evolve: () => {
        throw new NotOpen(0);
      },
    };
    expect(() => DeciderSpecification.for(broken).given([opened]).when({ type: 'Increment', by: 1 }).thenThrows(NotOpen)).toThrow(NotOpen);
  });

  it('refuses to compare events that are not plain data', () => {
    const mapped: Decider<null, null, Map<string, number>> = {
      initialState: () => null,
      evolve: (state) => state,
      decide: () => [new Map([['a', 1]])],
    };
    expect(() => DeciderSpecification.for(mapped).given([]).when(null).then([new Map([['b', 2]])])).toThrow(/plain data/);
  });
});
