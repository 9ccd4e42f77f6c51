/** A /v1 call that did not succeed: the service answered an error, or it could not be reached at all. */
export class ApiError extends Error {
  private constructor(
    message: string,
    readonly status: number | null,
    readonly retryAfterSeconds: number | null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** From the service's {"error": {"type", "message"}} body, or a plain description when the body is not one. */
  static fromResponse(status: number, body: unknown, retryAfter: string | null): ApiError {
    const message = (body as { error?: { message?: unknown } } | null)?.error?.message;
    const seconds = retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) : null;
    return new ApiError(typeof message === 'string' ? message : `Unexpected answer (HTTP ${status}).`, status, seconds);
  }

  /** fetch itself failed: offline, DNS, connection refused, blocked. */
  static networkFailure(): ApiError {
    return new ApiError('The service could not be reached.', null, null);
  }

  get unreachable(): boolean {
    return this.status === null;
  }
}
