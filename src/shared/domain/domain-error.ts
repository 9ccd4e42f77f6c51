/**
 * What a domain error says about the command, in the domain's words (the HTTP layer picks a status per kind):
 * - not_found: what the command is about does not exist, or not for this caller;
 * - conflict: the command contradicts what already happened;
 * - rule_violated: the command itself breaks a rule of the domain;
 * - not_permitted: the actor may not do this, by a rule of the domain (a key granting more than it holds).
 */
export type DomainErrorKind = 'not_found' | 'conflict' | 'rule_violated' | 'not_permitted';

/**
 * A command the domain refuses. Each feature names its refusals in its own domain folder
 * (src/keys/domain/api-key-errors.ts); the message is written for the caller and shown as is.
 */
export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
