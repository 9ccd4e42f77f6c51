import { type Decider, fold } from '../decider.js';

/**
 * given / when / then for a Decider, after emmett's DeciderSpecification:
 *
 *   const spec = DeciderSpecification.for(apiKeyDecider);
 *   spec.given([created]).when(revoke).then([revoked]);
 *   spec.given([created, revoked]).when(revoke).thenNothing();
 *   spec.given([]).when(revoke).thenThrows(KeyNotFound, (error) => error.keyId === keyId);
 *
 * The given events are folded with the decider's own evolve, from its initialState, and the command is
 * decided on that state. It depends on no test runner (a domain folder imports only domain code, and the
 * helper works the same under jest, node:test or a REPL): a specification that does not hold throws a
 * DeciderSpecificationFailed, which any runner reports as the test's failure.
 *
 * Events are compared as plain data, the way they are stored: objects key by key (a property whose value is
 * undefined counts as absent), arrays item by item, dates by time, everything else with Object.is.
 */
export const DeciderSpecification = {
  for<State, Command, Event>(decider: Decider<State, Command, Event>) {
    return {
      given: (events: readonly Event[]) => ({
        when: (command: Command): DeciderThen<Event> => new Then(decider, events, command),
      }),
    };
  },
};

export interface DeciderThen<Event> {
  /** decide returns exactly these events, in this order. */
  then(expected: readonly Event[]): void;
  /** decide returns no event: the command is accepted and changes nothing. */
  thenNothing(): void;
  /** decide throws an instance of errorClass (a subclass counts) for which check, when given, is true. */
  thenThrows<E extends Error>(errorClass: ErrorClass<E>, check?: (error: E) => boolean): void;
}

/** Any error constructor, abstract ones included (thenThrows(DomainError) accepts every domain error). */
export type ErrorClass<E extends Error> = abstract new (...args: any[]) => E;

/** A specification that does not hold. */
export class DeciderSpecificationFailed extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeciderSpecificationFailed';
  }
}

type Outcome<Event> = { threw: false; events: Event[] } | { threw: true; error: unknown };

class Then<State, Command, Event> implements DeciderThen<Event> {
  constructor(
    private readonly decider: Decider<State, Command, Event>,
    private readonly given: readonly Event[],
    private readonly command: Command,
  ) {}

  then(expected: readonly Event[]): void {
    if (typeof (expected as unknown) === 'function') {
      // An object with a then() is a thenable: `await`ing it, or returning it from a test, calls then(resolve, reject).
      throw new DeciderSpecificationFailed('A specification was awaited or returned without .then([...]), .thenNothing() or .thenThrows(...)');
    }
    const outcome = this.decide();
    if (outcome.threw) {
      throw new DeciderSpecificationFailed(`Expected the events ${show(expected)}\nbut decide threw ${describeError(outcome.error)}`, {
        cause: outcome.error,
      });
    }
    if (!equal(outcome.events, expected)) {
      throw new DeciderSpecificationFailed(`Expected the events ${show(expected)}\nbut decide returned ${show(outcome.events)}`);
    }
  }

  thenNothing(): void {
    this.then([]);
  }

  thenThrows<E extends Error>(errorClass: ErrorClass<E>, check?: (error: E) => boolean): void {
    const outcome = this.decide();
    if (!outcome.threw) {
      throw new DeciderSpecificationFailed(`Expected decide to throw ${errorClass.name}\nbut it returned ${show(outcome.events)}`);
    }
    const { error } = outcome;
    if (!(error instanceof errorClass)) {
      throw new DeciderSpecificationFailed(`Expected decide to throw ${errorClass.name}\nbut it threw ${describeError(error)}`, { cause: error });
    }
    if (check && !check(error)) {
      throw new DeciderSpecificationFailed(`decide threw ${describeError(error)}\nwhich does not satisfy ${check.toString()}`, { cause: error });
    }
  }

  private decide(): Outcome<Event> {
    // Folded outside the try: an evolve that throws is a broken given, not the decision under test.
    const state = fold(this.decider, this.given);
    try {
      return { threw: false, events: this.decider.decide(state, this.command) };
    } catch (error) {
      return { threw: true, error };
    }
  }
}

function equal(actual: unknown, expected: unknown): boolean {
  if (Object.is(actual, expected)) return true;
  if (typeof actual !== 'object' || typeof expected !== 'object' || actual === null || expected === null) return false;
  if (actual instanceof Date || expected instanceof Date) {
    return actual instanceof Date && expected instanceof Date && Object.is(actual.getTime(), expected.getTime());
  }
  if (Array.isArray(actual) || Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      Array.isArray(expected) &&
      actual.length === expected.length &&
      actual.every((item, index) => equal(item, expected[index]))
    );
  }
  assertPlain(actual);
  assertPlain(expected);
  const a = actual as Record<string, unknown>;
  const b = expected as Record<string, unknown>;
  const keys = (object: Record<string, unknown>) => Object.keys(object).filter((key) => object[key] !== undefined);
  const [actualKeys, expectedKeys] = [keys(a), keys(b)];
  return actualKeys.length === expectedKeys.length && expectedKeys.every((key) => Object.hasOwn(a, key) && equal(a[key], b[key]));
}

/** A Map, a Set or a class instance would compare equal on its (absent) own keys: refuse it rather than pass silently. */
function assertPlain(value: object): void {
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    throw new DeciderSpecificationFailed(`Events must be plain data; cannot compare a ${value.constructor?.name ?? 'non-plain object'}`);
  }
}

function show(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? String(value);
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : show(error);
}
