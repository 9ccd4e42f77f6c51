import type { ProjectionContext, ProjectionDeclaration } from './projection-declaration.js';
import { ViewProjection, type ViewProjectionDefinition, type ViewStore } from './view-projection.js';

/**
 * A read model kept by a ViewProjection: declared by its definition, where it runs, and which store holds its
 * views. Writers wait for it (role 'read-model') unless the placement says nobody reads it on a request's path.
 */
export function viewProjectionDeclaration<V extends { revision: number }, S>(
  definition: ViewProjectionDefinition<V>,
  placement: Pick<ProjectionDeclaration, 'runsOn'> &
    Partial<Pick<ProjectionDeclaration, 'role' | 'writersWait'>> & {
      /** Optional: the definition that tells the projection's log what it passes by (a newer version's events). */
      warning?: (warn: (message: string) => void) => ViewProjectionDefinition<V>;
    },
  openStore: (storage: S) => Promise<ViewStore<V>>,
  /** Optional: what of each stored view the request thread is sent, and what receives it there. */
  published?: { of(views: readonly V[]): unknown; receive: NonNullable<ProjectionDeclaration<S>['onPublished']> },
): ProjectionDeclaration<S> {
  return {
    name: definition.name,
    eventTypes: definition.eventTypes,
    readsUnknownTypesIn: definition.readsUnknownTypesIn,
    runsOn: placement.runsOn,
    role: placement.role ?? 'read-model',
    ...(placement.writersWait === false ? { writersWait: false as const } : {}),
    rebuiltByReplay: true,
    open: async ({ storage, publish, log }: ProjectionContext<S>) =>
      new ViewProjection(
        placement.warning?.((message) => log('warn', message)) ?? definition,
        await openStore(storage),
        published && ((views) => publish(definition.name, published.of(views))),
      ),
    ...(published ? { onPublished: published.receive } : {}),
  };
}
