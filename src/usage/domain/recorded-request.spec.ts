import { generateApiKey } from '../../keys/domain/api-key-secret.js';
import { recordedRequestDetails } from './recorded-request.js';

describe('recordedRequestDetails', () => {
  const key = generateApiKey();
  const marker = `${key.slice(0, 12)}…[redacted]`;

  it('keeps ordinary details as they were sent, empty ones as null', () => {
    const details = { ip: '203.0.113.7', userAgent: 'sdk/1.2', method: 'POST', path: '/v1/parses' };
    expect(recordedRequestDetails(details)).toEqual(details);
    expect(recordedRequestDetails({ ip: null, userAgent: '', method: null, path: '' })).toEqual({
      ip: null,
      userAgent: null,
      method: null,
      path: null,
    });
  });

  it('redacts keys in every field, and the query values of the path', () => {
    expect(
      recordedRequestDetails({ ip: `x ${key}`, userAgent: `sdk/1.2 ${key}`, method: key, path: `/v1/${key}?api_key=${key}&page=2` }),
    ).toEqual({ ip: `x ${marker}`, userAgent: `sdk/1.2 ${marker}`, method: marker, path: `/v1/${marker}?api_key=[redacted]&page=[redacted]` });
  });

  it('bounds each field to 512 characters after redacting, so a cut cannot leave part of a key', () => {
    const userAgent = `${'x'.repeat(500)}${key}`;
    const recorded = recordedRequestDetails({ ip: null, userAgent, method: null, path: null }).userAgent!;
    expect(recorded).toHaveLength(512);
    expect(recorded).not.toContain(key.slice(12, 24));
    expect(recordedRequestDetails({ ip: null, userAgent: 'y'.repeat(600), method: null, path: null }).userAgent).toHaveLength(512);
  });
});
