/** The /v1 answers the dashboard reads, as docs/api.md documents them. */

export interface RateLimit {
  requests: number;
  per_seconds: number;
}

export interface KeyRotation {
  successor_id: string;
  rolled_at: string;
  grace_ends_at: string;
  close_when_idle_seconds: number | null;
}

export interface ApiKey {
  id: string;
  name: string | null;
  prefix: string;
  status: 'active' | 'disabled' | 'expired' | 'revoked';
  disabled: boolean;
  permissions: string[];
  allowed_ips: string[];
  expires_at: string | null;
  predecessor_id: string | null;
  rotation: KeyRotation | null;
  rate_limit: RateLimit;
  request_count: number;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** A key as the listing gives it with include=requests_per_hour: with its last 24 hours, for its chart. */
export interface ChartedApiKey extends ApiKey {
  requests_per_hour: HourlyCount[];
}

export interface CreatedApiKey extends ApiKey {
  key: string;
}

export interface HourlyCount {
  hour: string;
  count: number;
}

export interface RolledApiKey extends CreatedApiKey {
  rolled: ApiKey;
}

export interface ApiKeyDetail extends ApiKey {
  rotation: (KeyRotation & { uses_since_roll: number; last_used_at: string | null; addresses_since_roll: string[]; addresses_since_roll_count: number }) | null;
  usage: {
    accepted: number;
    rate_limited: number;
    refused: number;
    first_used_at: string | null;
    last_used_at: string | null;
    last_ip: string | null;
    last_user_agent: string | null;
    requests_per_hour: HourlyCount[];
  };
}

export interface HistoryEvent {
  type: string;
  time: string;
  stream: 'lifecycle' | 'usage';
  revision: number;
  position: number;
  acting_key_id: string | null;
  request_id?: string | null;
  data: Record<string, unknown>;
}

/** One entry of the account's audit log (GET /v1/events). */
export interface AccountEvent {
  id: string;
  type: string;
  occurred_at: string;
  key_id: string;
  actor: { type: 'api_key' | 'operator' | 'system'; key_id: string | null; reason: string | null };
  request_id: string | null;
  position: number;
  data: Record<string, unknown>;
}

/** GET /v1/events's filters, under the API's names. */
export interface AccountEventsFilter {
  type?: string;
  key_id?: string;
  actor_key_id?: string;
  created_gte?: string;
  created_lt?: string;
}

export interface Alert {
  id: string;
  rule: string;
  key_id: string | null;
  ip: string | null;
  evidence: Record<string, unknown>;
  window_start: string;
  window_end: string;
  detected_at: string;
}

export interface Page<T> {
  data: T[];
  has_more: boolean;
}

export interface HistoryPage extends Page<HistoryEvent> {
  next_cursor: string | null;
}

export interface NewKeyRequest {
  name: string;
  rate_limit?: RateLimit;
}

/** A PATCH: absent fields do not change. */
export interface KeyChanges {
  name?: string | null;
  rate_limit?: RateLimit;
  permissions?: string[];
  allowed_ips?: string[];
  expires_at?: string | null;
}
