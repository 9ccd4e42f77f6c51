import { Module } from '@nestjs/common';
import { DashboardController } from './dashboard.controller.js';
import { DashboardFiles } from './dashboard-files.js';

@Module({ controllers: [DashboardController], providers: [DashboardFiles] })
export class DashboardModule {}
