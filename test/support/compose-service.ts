import { expect } from '@jest/globals';

/** A service's block of docker-compose.yml: its lines up to the next top-level service or section. */
export function serviceBlock(compose: string, service: string): string[] {
  const lines = compose.split('\n');
  const start = lines.indexOf(`  ${service}:`);
  expect(start).toBeGreaterThan(-1);
  const end = lines.findIndex((line, i) => i > start && /^( {2})?[a-z]/.test(line) && !line.startsWith('   '));
  return lines.slice(start + 1, end === -1 ? undefined : end);
}
