import { Global, Module } from '@nestjs/common';
import { ProjectionProgress } from '../shared/projections/projection-progress.js';
import { ProjectionsService } from './projections.service.js';

@Global()
@Module({
  providers: [ProjectionsService, { provide: ProjectionProgress, useExisting: ProjectionsService }],
  exports: [ProjectionsService, ProjectionProgress],
})
export class ProjectionsModule {}
