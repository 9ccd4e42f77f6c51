import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller.js';
import { ServiceMonitor } from './service-monitor.js';
import { ServiceStopping } from './service-stopping.js';
import { StoreRecoveries } from './store-recoveries.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [ServiceMonitor, StoreRecoveries, ServiceStopping],
  exports: [ServiceStopping],
})
export class HealthModule {}
