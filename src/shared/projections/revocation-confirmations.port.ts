export const REVOCATION_CONFIRMATIONS = Symbol('REVOCATION_CONFIRMATIONS');

export interface InstancesConfirmed {
  /** Other live instances that said, within the wait, that they refuse what the log has up to the position. */
  confirmed: number;
  /** Other instances alive by their heartbeat when the question was asked. */
  live: number;
}

/**
 * Asks the other live instances to confirm that a log position is in force on them. Null when instances share
 * nothing to ask through (no REDIS_URL): the receipt then has no confirmation.
 */
export interface RevocationConfirmations {
  confirm(position: number): Promise<InstancesConfirmed | null>;
}
