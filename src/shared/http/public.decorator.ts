import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'parsesphere:is-public';

/** Opts a route out of API key authentication (health probes, for example). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
