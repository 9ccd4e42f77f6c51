import { Module } from '@nestjs/common';
import { ListAlertsController } from './queries/list-alerts/list-alerts.controller.js';
import { ListAlertsHandler } from './queries/list-alerts/list-alerts.handler.js';

@Module({ controllers: [ListAlertsController], providers: [ListAlertsHandler] })
export class AnomaliesModule {}
