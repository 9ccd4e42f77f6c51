import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AnomaliesModule } from '../anomalies/anomalies.module.js';
import { DashboardModule } from '../dashboard/dashboard.module.js';
import { KeysModule } from '../keys/keys.module.js';
import type { Environment } from '../shared/config/environment.js';
import { UsageModule } from '../usage/usage.module.js';
import { ClusterModule } from './cluster/cluster.module.js';
import { ConfigurationModule } from './configuration.module.js';
import { HealthModule } from './health/health.module.js';
import { ObservabilityModule } from './observability/observability.module.js';
import { ProjectionsModule } from './projections/projections.module.js';
import { StorageModule } from './storage/storage.module.js';

/** The service: configuration and storage, the projections runtime, and the features. Each feature module wires itself. */
@Module({})
export class AppModule {
  static forRoot(environment: Environment): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigurationModule.forRoot(environment),
        ObservabilityModule.forRoot(environment),
        CqrsModule.forRoot(),
        DiscoveryModule,
        StorageModule.forRoot(),
        ClusterModule.forRoot(),
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
