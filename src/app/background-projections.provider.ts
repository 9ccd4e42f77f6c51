import type { Provider } from '@nestjs/common';

/** Log-driven work besides the read models that is configured on or off: alert delivery. */
export const BACKGROUND_PROJECTIONS = Symbol('BACKGROUND_PROJECTIONS');

export const backgroundProjectionsProvider: Provider = {
  provide: BACKGROUND_PROJECTIONS,
  useFactory: () => [],
};
