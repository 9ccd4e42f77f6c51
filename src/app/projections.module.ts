import { Global, Module } from '@nestjs/common';
import { KeyTable } from '../keys/authentication/key-table.js';
import { ProjectionProgress } from '../shared/projections/projection-progress.js';
import { backgroundProjectionsProvider } from './background-projections.provider.js';
import { ProjectionsService } from './projections.service.js';
import { viewProjectionsProvider } from './view-projections.provider.js';

@Global()
@Module({
  providers: [
    { provide: KeyTable, useValue: new KeyTable() },
    viewProjectionsProvider,
    backgroundProjectionsProvider,
    ProjectionsService,
    { provide: ProjectionProgress, useExisting: ProjectionsService },
  ],
  exports: [KeyTable, ProjectionsService, ProjectionProgress],
})
export class ProjectionsModule {}
