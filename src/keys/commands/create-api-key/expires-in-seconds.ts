/**
 * The bounds of a lifetime given in seconds (the API's expires_in_seconds, the CLI's --expires-in): at least one
 * second, and about a hundred years at most: beyond, an instant is past what a date-time can carry for some clients.
 */
export const EXPIRES_IN_SECONDS = { min: 1, max: 3_153_600_000 } as const;
