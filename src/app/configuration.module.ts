import { type DynamicModule, Global, Module } from '@nestjs/common';
import { Environment } from '../shared/config/environment.js';

/** The environment validated once at start (loadEnvironment), injected as `Environment` everywhere. */
@Global()
@Module({})
export class ConfigurationModule {
  static forRoot(environment: Environment): DynamicModule {
    return { module: ConfigurationModule, providers: [{ provide: Environment, useValue: environment }], exports: [Environment] };
  }
}
