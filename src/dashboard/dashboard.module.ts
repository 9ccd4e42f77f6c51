import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { DashboardController } from './dashboard.controller.js';
import { DashboardFiles } from './dashboard-files.js';
import { DashboardSecurityHeadersMiddleware } from './dashboard-security-headers.middleware.js';

@Module({ controllers: [DashboardController], providers: [DashboardFiles] })
export class DashboardModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(DashboardSecurityHeadersMiddleware).forRoutes('dashboard', 'dashboard/*path');
  }
}
