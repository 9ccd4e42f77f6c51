import request from 'supertest';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('OpenAPI document', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.destroy());

  it('serves the document with the bearer scheme and every status of each route', async () => {
    const res = await request(t.http).get('/docs-json').expect(200);
    const doc = res.body;
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const statuses = (path: string, method: string) => Object.keys(doc.paths[path][method].responses).sort();
    expect(statuses('/v1/api-keys', 'post')).toEqual(['201', '400', '401', '413', '415', '429', '500', '503']);
    expect(statuses('/v1/api-keys', 'get')).toEqual(['200', '400', '401', '429', '500', '503']);
    expect(statuses('/v1/api-keys/{api_key_id}', 'get')).toEqual(['200', '400', '401', '404', '429', '500', '503']);
    expect(statuses('/v1/api-keys/{api_key_id}', 'delete')).toEqual(['200', '400', '401', '404', '409', '429', '500', '503']);
    expect(statuses('/v1/keys/verify', 'post')).toEqual(['200', '400', '401', '404', '429']);
    const authenticated = [
      ['/v1/api-keys', 'post'],
      ['/v1/api-keys', 'get'],
      ['/v1/api-keys/{api_key_id}', 'get'],
      ['/v1/api-keys/{api_key_id}', 'delete'],
      ['/v1/keys/verify', 'post'],
    ];
    for (const [path, method] of authenticated) {
      expect(doc.paths[path][method].security).toEqual([{ bearer: [] }]);
    }
    expect(doc.components.schemas.CreateApiKeyRequest.properties.name).toMatchObject({ minLength: 1, maxLength: 100 });
    expect(doc.components.schemas.ApiKeyResponse.properties).not.toHaveProperty('key');
    expect(doc.components.schemas.CreatedApiKeyResponse.properties).toHaveProperty('key');
  });

  it('serves the UI without any external asset', async () => {
    const res = await request(t.http).get('/docs/').expect(200);
    expect(res.text).toContain('swagger-ui');
    expect(res.text).toContain('./swagger-ui-bundle.js');
    expect(res.text).not.toMatch(/(src|href)="(https?:)?\/\//i);
  });
});
