import type { ProjectionContext, ProjectionDeclaration } from './projection-declaration.js';
import { ViewProjection, type ViewProjectionDefinition, type ViewStore } from './view-projection.js';

/** A read model kept by a ViewProjection: declared by its definition, where it runs, and which store holds its views. */
export function viewProjectionDeclaration<V extends { revision: number }, S>(
  definition: ViewProjectionDefinition<V>,
  placement: Pick<ProjectionDeclaration, 'runsOn'>,
  openStore: (storage: S) => Promise<ViewStore<V>>,
): ProjectionDeclaration<S> {
  return {
    name: definition.name,
    eventTypes: definition.eventTypes,
    runsOn: placement.runsOn,
    role: 'read-model',
    rebuiltByReplay: true,
    open: async ({ storage }: ProjectionContext<S>) => new ViewProjection(definition, await openStore(storage)),
  };
}
