import { Module } from '@nestjs/common';
import { DashboardController } from './dashboard.controller.js';
import { DashboardFiles } from './dashboard-files.js';

/** The dashboard's security headers are set by dashboardSecurityHeaders, which configureApp mounts. */
@Module({ controllers: [DashboardController], providers: [DashboardFiles] })
export class DashboardModule {}
