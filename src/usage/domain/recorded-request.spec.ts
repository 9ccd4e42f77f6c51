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

  it('records one address per client however it was written: IPv4-mapped as IPv4, IPv6 in RFC 5952 form', () => {
    const ipOf = (ip: string) => recordedRequestDetails({ ip, userAgent: null, method: null, path: null }).ip;
    expect(['::ffff:192.0.2.1', '::FFFF:C000:0201', '192.0.2.1'].map(ipOf)).toEqual(['192.0.2.1', '192.0.2.1', '192.0.2.1']);
    expect(['2001:DB8::1', '2001:db8:0:0:0:0:0:1', '2001:db8:0::1'].map(ipOf)).toEqual(['2001:db8::1', '2001:db8::1', '2001:db8::1']);
    expect(ipOf('unknown')).toBe('unknown');
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
