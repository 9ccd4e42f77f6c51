import { Global, Module } from '@nestjs/common';
import { ProjectionProgress } from '../../shared/projections/projection-progress.js';
import { CLOCK_WATCH } from '../../shared/runtime/clock-standing.js';
import { ClockWatchService } from '../clock/clock-watch.service.js';
import { ServiceHeartbeatService } from '../storage/service-heartbeat.service.js';
import { ProjectionsService } from './projections.service.js';

/**
 * Runs the catalog's projections; features wait on them through ProjectionProgress. While they run, the
 * heartbeat tells `replay` that a service is writing the read models, and the other instances' heartbeats are
 * what this one's clock is measured against (CLOCK_WATCH).
 */
@Global()
@Module({
  providers: [
    ProjectionsService,
    { provide: ProjectionProgress, useExisting: ProjectionsService },
    ServiceHeartbeatService,
    ClockWatchService,
    { provide: CLOCK_WATCH, useExisting: ClockWatchService },
  ],
  exports: [ProjectionsService, ProjectionProgress, ClockWatchService, CLOCK_WATCH],
})
export class ProjectionsModule {}
