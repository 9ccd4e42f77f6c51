import type { ProjectionContext } from './projection-declaration.js';
import { viewProjectionDeclaration } from './view-projection-declaration.js';
import type { ViewProjectionDefinition, ViewStore } from './view-projection.js';

interface View {
  revision: number;
}

const definition: ViewProjectionDefinition<View> = { name: 'views', eventTypes: ['Happened'], viewIdOf: () => 'v', apply: (view) => view };
const store = {} as ViewStore<View>;

describe('viewProjectionDeclaration', () => {
  it("opens its projection with the definition that warns, its warnings in the projection's log as warn lines", async () => {
    const logged: [string, string][] = [];
    let warn: ((message: string) => void) | undefined;
    const declaration = viewProjectionDeclaration(
      definition,
      {
        runsOn: 'request-thread',
        warning: (given) => {
          warn = given;
          return definition;
        },
      },
      async () => store,
    );
    await declaration.open({ storage: {}, log: (level: string, message: string) => logged.push([level, message]), publish: () => undefined } as unknown as ProjectionContext<unknown>);
    warn?.('a newer version wrote it');
    expect(logged).toEqual([['warn', 'a newer version wrote it']]);
  });
});
