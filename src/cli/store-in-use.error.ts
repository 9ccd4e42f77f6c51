/** The command refuses because a running service holds the store: exit 4. */
export class StoreInUseError extends Error {}
