import type { ProjectionLag } from '../projections/projections.service.js';

export interface DependencyCheck {
  status: 'up' | 'down';
  error?: string;
}

const PING_TIMEOUT_MS = 2000;

export async function checkDependency(ping: () => Promise<void>): Promise<DependencyCheck> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
  });
  try {
    await Promise.race([ping(), timeout]);
    return { status: 'up' };
  } catch (error) {
    return { status: 'down', error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

export function describeProjection(lag: ProjectionLag) {
  return {
    name: lag.name,
    status: lag.running ? 'up' : 'down',
    position: lag.position,
    lag_events: lag.lagEvents,
    lag_events_capped: lag.lagEventsCapped,
    lag_ms: lag.lagMs,
    ...(lag.lastError ? { error: lag.lastError } : {}),
  };
}
