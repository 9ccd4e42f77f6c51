/** "1 request", "3 requests": a count with its noun, in the singular for one. */
export const counted = (n: number, thing: string): string => `${n} ${thing}${n === 1 ? '' : 's'}`;
