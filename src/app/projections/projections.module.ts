import { Global, Module } from '@nestjs/common';
import { ProjectionProgress } from '../../shared/projections/projection-progress.js';
import { ServiceHeartbeatService } from '../storage/service-heartbeat.service.js';
import { ProjectionsService } from './projections.service.js';

/**
 * Runs the catalog's projections; features wait on them through ProjectionProgress. While they run, the
 * heartbeat tells `replay` that a service is writing the read models.
 */
@Global()
@Module({
  providers: [ProjectionsService, { provide: ProjectionProgress, useExisting: ProjectionsService }, ServiceHeartbeatService],
  exports: [ProjectionsService, ProjectionProgress],
})
export class ProjectionsModule {}
