import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { CqrsModule } from '@nestjs/cqrs';
import { AnomaliesModule } from '../anomalies/anomalies.module.js';
import { DashboardModule } from '../dashboard/dashboard.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { UsageModule } from '../usage/usage.module.js';
import { type Environment, loadEnvironment } from '../shared/config/environment.js';
import { HealthModule } from './health/health.module.js';
import { ProjectionsModule } from './projections.module.js';
import { EventStoreModule } from './storage/event-store.module.js';
import { ReadModelModule } from './storage/read-model.module.js';

/** @nestjs/config over our own validation, so a bad value fails with one line naming it. */
export function configModule(overrides: Partial<Record<keyof Environment, unknown>> = {}): Promise<DynamicModule> {
  return ConfigModule.forRoot({
    isGlobal: true,
    ignoreEnvFile: true,
    // Only the validated values: ConfigService must never fall back to raw process.env.
    skipProcessEnv: true,
    validate: (raw) => ({ ...loadEnvironment({ ...raw, ...overrides }) }),
  });
}

@Module({})
export class AppModule {
  static forRoot(overrides: Partial<Record<keyof Environment, unknown>> = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        configModule(overrides),
        CqrsModule.forRoot(),
        EventStoreModule,
        ReadModelModule,
        ProjectionsModule,
        UsageModule,
        KeysModule,
        AnomaliesModule,
        HealthModule,
        DashboardModule,
      ],
    };
  }
}
