/**
 * Names other services use for what is one of these settings: a deployer who writes them gets the default.
 */
const OTHER_SERVICES_NAMES: Readonly<Record<string, string>> = {
  REDIS_URI: 'REDIS_URL',
  MONGO_URL: 'MONGODB_URL',
  MONGO_URI: 'MONGODB_URL',
  MONGODB_URI: 'MONGODB_URL',
  MONGO_DB: 'MONGODB_DB',
  MONGODB_DATABASE: 'MONGODB_DB',
  EVENTSTORE_URI: 'EVENTSTORE_URL',
  EVENTSTOREDB_URL: 'EVENTSTORE_URL',
  ESDB_URL: 'EVENTSTORE_URL',
  BIND: 'HOST',
  LISTEN_ADDR: 'HOST',
};

/**
 * Beginnings only this service's settings have: any other name starting so was meant as one of them
 * (ALERT_WEBHOOK_SIGNING_SECRET, METRICS_BEARER_TOKEN). Not REDIS_, MONGODB_ or HTTP_: Kubernetes names a
 * service's address REDIS_PORT, and HTTP_PROXY is no setting of ours.
 */
const OWN_PREFIXES = ['ALERT_WEBHOOK_', 'RATE_LIMIT_', 'READINESS_', 'AUTH_FAILURE_', 'VERIFY_', 'METRICS_', 'MAX_KEY'];

/** Kubernetes' service links (FOO_SERVICE_HOST, FOO_PORT_80_TCP_ADDR): set by the cluster, not by the deployer. */
const SERVICE_LINK = /_(SERVICE_HOST|SERVICE_PORT(_\w+)?|PORT(_\d+_(TCP|UDP|SCTP)(_\w+)?)?)$/;

export interface LookalikeSetting {
  name: string;
  meant: string;
}

/**
 * The names in `present` that are none of `settings` but look like one (a letter off, another case, another
 * service's name for it, it without its unit, one of its beginnings): each with the setting it most likely meant. The service runs
 * with the default of that setting, so the start says so rather than nothing (METRICS_TOKN left /metrics open).
 */
export function lookalikeSettings(present: Iterable<string>, settings: readonly string[]): LookalikeSetting[] {
  const known = new Set(settings);
  const found: LookalikeSetting[] = [];
  for (const name of present) {
    if (known.has(name)) continue;
    const meant = meantSetting(name, settings);
    if (meant !== null) found.push({ name, meant });
  }
  return found;
}

function meantSetting(name: string, settings: readonly string[]): string | null {
  const upper = name.toUpperCase();
  if (settings.includes(upper)) return upper;
  const alias = OTHER_SERVICES_NAMES[upper];
  if (alias !== undefined && settings.includes(alias)) return alias;
  if (SERVICE_LINK.test(upper)) return null;
  // A setting given in a file where the setting takes none (PORT_FILE): the value stays the default.
  const inFile = upper.replace(/_FILE$/, '');
  if (inFile !== upper && settings.includes(inFile)) return inFile;
  // A setting without its last word, most often its unit: SHUTDOWN_DELAY, HTTP_REQUEST_TIMEOUT.
  const shortened = upper.includes('_') ? settings.filter((setting) => setting.startsWith(`${upper}_`)) : [];
  if (shortened.length > 0) return nearestSetting(upper, shortened).setting;
  const nearest = nearestSetting(upper, settings);
  // One edit off a short name (POST for PORT), two off a long one (METRICS_TOKN, RATE_LIMT_REQUEST); HOME is not HOST.
  if (nearest.distance <= (nearest.setting.length < 8 ? 1 : 2)) return nearest.setting;
  const prefix = OWN_PREFIXES.find((candidate) => upper.startsWith(candidate));
  if (prefix === undefined) return null;
  return nearestSetting(upper, settings.filter((setting) => setting.startsWith(prefix))).setting || null;
}

function nearestSetting(name: string, settings: readonly string[]): { setting: string; distance: number } {
  let best = { setting: '', distance: Number.POSITIVE_INFINITY };
  for (const setting of settings) {
    const distance = editDistance(name, setting);
    if (distance < best.distance) best = { setting, distance };
  }
  return best;
}

/** Letters inserted, deleted, replaced or two neighbours swapped (optimal string alignment distance). */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
    }
  }
  return rows[a.length][b.length];
}
