import { ApiError } from './api-error.js';
import type { AccountEvent, AccountEventsFilter, Alert, ApiKey, ApiKeyDetail, ChartedApiKey, CreatedApiKey, HistoryPage, KeyChanges, NewKeyRequest, Page, RolledApiKey } from './api-types.js';
import { RetryTokens } from './retry-tokens.js';

const KEYS_PAGE_SIZE = 20;
const ALERTS_PAGE_SIZE = 20;
const HISTORY_PAGE_SIZE = 50;
const ACCOUNT_EVENTS_PAGE_SIZE = 50;
/** One per tab, across the views' clients: a retry may come from a view drawn again (a roll from a new dialog). */
const RETRY_TOKENS = new RetryTokens();

/** GET /v1/api-keys's search: `name_prefix=` (the start of names, any case) or `prefix=` (a display prefix). */
export type KeyListSearch = { name_prefix?: string; prefix?: string };

/** The public /v1 API, called with the signed-in key like any other client. */
export class ApiClient {
  constructor(
    private readonly key: string,
    /** Aborted when the view that made the calls goes away. */
    private readonly signal: AbortSignal,
  ) {}

  listKeys(startingAfter?: string, limit = KEYS_PAGE_SIZE, status?: ApiKey['status'], search?: KeyListSearch): Promise<Page<ApiKey>> {
    return this.request('GET', `/v1/api-keys${query({ limit, starting_after: startingAfter, status, ...search })}`);
  }

  /** A page of keys with each one's requests per hour: the list and its charts in one request. */
  listChartedKeys(startingAfter?: string, status?: ApiKey['status'], search?: KeyListSearch): Promise<Page<ChartedApiKey>> {
    return this.request('GET', `/v1/api-keys${query({ limit: KEYS_PAGE_SIZE, include: 'requests_per_hour', starting_after: startingAfter, status, ...search })}`);
  }

  getKey(id: string): Promise<ApiKeyDetail> {
    return this.request('GET', `/v1/api-keys/${encodeURIComponent(id)}`);
  }

  /** The key this client calls with: its id and what it may do, whatever the size of the account. */
  whoami(): Promise<ApiKeyDetail> {
    return this.request('GET', '/v1/whoami');
  }

  /** The key with its ETag, for an edit that must not overwrite a change made meanwhile. */
  getKeyVersion(id: string): Promise<{ key: ApiKeyDetail; etag: string | null }> {
    return this.requestWithHeaders<ApiKeyDetail>('GET', `/v1/api-keys/${encodeURIComponent(id)}`).then(({ body, headers }) => ({ key: body, etag: headers.get('ETag') }));
  }

  /** PATCH with If-Match: a 412 says the key changed since `etag` was read. */
  updateKey(id: string, changes: KeyChanges, etag: string | null): Promise<ApiKey> {
    return this.request('PATCH', `/v1/api-keys/${encodeURIComponent(id)}`, changes, etag ? { 'If-Match': etag } : {});
  }

  disableKey(id: string): Promise<ApiKey> {
    return this.request('POST', `/v1/api-keys/${encodeURIComponent(id)}/disable`);
  }

  enableKey(id: string): Promise<ApiKey> {
    return this.request('POST', `/v1/api-keys/${encodeURIComponent(id)}/enable`);
  }

  rollKey(id: string, graceSeconds: number, closeWhenIdleSeconds: number | null): Promise<RolledApiKey> {
    const body = closeWhenIdleSeconds === null ? { grace_seconds: graceSeconds } : { grace_seconds: graceSeconds, close_when_idle_seconds: closeWhenIdleSeconds };
    return this.retriable(`/v1/api-keys/${encodeURIComponent(id)}/roll`, body);
  }

  createKey(body: NewKeyRequest): Promise<CreatedApiKey> {
    return this.retriable('/v1/api-keys', body);
  }

  /** A POST that makes a key, sent with an Idempotency-Key: the user's retry after a lost answer makes no second key. */
  private async retriable<T>(path: string, body: unknown): Promise<T> {
    const request = `${this.key.slice(0, 12)} ${path} ${JSON.stringify(body)}`;
    try {
      const answer = await this.request<T>('POST', path, body, { 'Idempotency-Key': RETRY_TOKENS.tokenFor(request) });
      RETRY_TOKENS.settle(request);
      return answer;
    } catch (failure) {
      RETRY_TOKENS.settle(request, failure);
      throw failure;
    }
  }

  revokeKey(id: string): Promise<ApiKey> {
    return this.request('DELETE', `/v1/api-keys/${encodeURIComponent(id)}`);
  }

  /** Newest first: a busy key's last uses are its first page, and each next page goes back in time. */
  keyHistory(id: string, cursor?: string): Promise<HistoryPage> {
    return this.request('GET', `/v1/api-keys/${encodeURIComponent(id)}/events${query({ limit: HISTORY_PAGE_SIZE, direction: 'newest_first', cursor })}`);
  }

  /** The account's audit log, newest first, filtered as the API filters it. */
  listAccountEvents(filter: AccountEventsFilter, startingAfter?: string): Promise<Page<AccountEvent>> {
    return this.request('GET', `/v1/events${query({ limit: ACCOUNT_EVENTS_PAGE_SIZE, ...filter, starting_after: startingAfter })}`);
  }

  listAlerts(options: { keyId?: string; startingAfter?: string } = {}): Promise<Page<Alert>> {
    return this.request('GET', `/v1/alerts${query({ limit: ALERTS_PAGE_SIZE, key_id: options.keyId, starting_after: options.startingAfter })}`);
  }

  private async request<T>(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<T> {
    return (await this.requestWithHeaders<T>(method, path, body, extraHeaders)).body;
  }

  private async requestWithHeaders<T>(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<{ body: T; headers: Headers }> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.key}`, Accept: 'application/json', ...extraHeaders };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
        signal: this.signal,
      });
    } catch (error) {
      if (this.signal.aborted) throw error;
      throw ApiError.networkFailure();
    }
    const parsed: unknown = await response.json().catch(() => null);
    this.signal.throwIfAborted();
    if (!response.ok || parsed === null) throw ApiError.fromResponse(response.status, parsed, response.headers.get('Retry-After'));
    return { body: parsed as T, headers: response.headers };
  }
}

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
