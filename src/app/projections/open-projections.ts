import type { Projection } from '../../shared/projections/projection.js';
import type { ProjectionContext, ProjectionDeclaration } from '../../shared/projections/projection-declaration.js';

export interface OpenedProjection<S> {
  declaration: ProjectionDeclaration<S>;
  projection: Projection;
}

/** Builds the declared projections on the caller's stores, in order, leaving out those configuration turns off. */
export async function openProjections<S>(
  declarations: readonly ProjectionDeclaration<S>[],
  context: ProjectionContext<S>,
): Promise<OpenedProjection<S>[]> {
  const opened: OpenedProjection<S>[] = [];
  for (const declaration of declarations) {
    const projection = await declaration.open(context);
    if (!projection) continue;
    if (projection.name !== declaration.name) {
      throw new Error(`Projection declared as ${declaration.name} was built as ${projection.name}`);
    }
    opened.push({ declaration, projection });
  }
  return opened;
}

/** For the threads where no feature's Nest providers live (the projection thread, the CLI). */
export function nothingProvided(where: string): ProjectionContext<unknown>['provided'] {
  return (token) => {
    throw new Error(`${token.name} is provided only on the request thread, not ${where}`);
  };
}

/** For the CLI, where no request thread receives what projections publish. */
export const publishNowhere: ProjectionContext<unknown>['publish'] = () => undefined;

/** How every thread's runners retry a failed subscription: at once, then backing off to 5 s. */
export const RUNNER_RETRY = { retryMinMs: 100, retryMaxMs: 5000 } as const;
