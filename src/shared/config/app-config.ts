import { ConfigService } from '@nestjs/config';
import type { Environment } from './environment.js';

/** Typed access to the validated environment. */
export type AppConfigService = ConfigService<Environment, true>;

export function setting<K extends keyof Environment>(config: AppConfigService, key: K): Environment[K] {
  return config.get(key, { infer: true });
}
