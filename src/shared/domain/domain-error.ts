/** Machine-readable error codes; the HTTP layer maps each to one status and error type. */
export type DomainErrorCode =
  | 'INVALID_REQUEST'
  | 'UNAUTHENTICATED'
  | 'KEY_NOT_FOUND'
  | 'KEY_ALREADY_EXISTS'
  | 'CONCURRENCY_CONFLICT'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
