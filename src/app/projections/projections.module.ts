import { Global, Module } from '@nestjs/common';
import { ProjectionProgress } from '../../shared/projections/projection-progress.js';
import { ProjectionsService } from './projections.service.js';

/** Runs the catalog's projections; features wait on them through ProjectionProgress. */
@Global()
@Module({
  providers: [ProjectionsService, { provide: ProjectionProgress, useExisting: ProjectionsService }],
  exports: [ProjectionsService, ProjectionProgress],
})
export class ProjectionsModule {}
