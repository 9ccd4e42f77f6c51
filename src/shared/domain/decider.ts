/**
 * An aggregate as one value: how a command becomes events given the current state (decide), how an event
 * changes the state (evolve), and the state before the first event (initialState). All three are pure.
 * initialState is a function so that every fold starts from a fresh value, whatever evolve does with it.
 */
export interface Decider<State, Command, Event> {
  decide(state: State, command: Command): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/** The state after `events`, oldest first. */
export function fold<State, Command, Event>(decider: Decider<State, Command, Event>, events: readonly Event[]): State {
  return events.reduce((state, event) => decider.evolve(state, event), decider.initialState());
}
