import { callInstance } from '../support/instance-call.js';
import type { ServiceProcess } from '../support/service-process.js';
import { twoInstancesOnOneStore } from '../support/two-instances.js';

/**
 * Two instances on one DATA_DIR behind a round-robin balancer: an id one of them has just answered is at once an
 * id the other knows. The second instance polls the log only every 10 s (the most POLL_INTERVAL_MS allows), so
 * without catching up on a miss it would answer each of these 404.
 */
describe('Key ids across two service processes on one store', () => {
  const two = twoInstancesOnOneStore('key-ids-across-instances', { POLL_INTERVAL_MS: '10000', AUTH_FAILURE_LIMIT: '10000' });
  let a: ServiceProcess;
  let b: ServiceProcess;
  let admin: string;
  beforeAll(() => {
    ({ a, b, admin } = two);
  });

  /** A key created on A, answered by A: B has not read it yet. */
  const createdOnA = async (): Promise<string> => {
    const created = await callInstance(a, admin, 'POST', '/v1/api-keys', { name: 'made on A' });
    expect(created.status).toBe(201);
    return created.body.id;
  };

  it.each<[string, (id: string) => [string, string, unknown?], (body: any, id: string) => void]>([
    ['GET /v1/api-keys/{id}', (id) => ['GET', `/v1/api-keys/${id}`], (body, id) => expect(body.id).toBe(id)],
    ['GET /v1/api-keys?starting_after={id}', (id) => ['GET', `/v1/api-keys?starting_after=${id}`], (body) => expect(body.data.length).toBeGreaterThan(0)],
    ['GET /v1/api-keys/{id}/events', (id) => ['GET', `/v1/api-keys/${id}/events`], (body) => expect(body.data[0].type).toBe('KeyCreated')],
    ['PATCH /v1/api-keys/{id}', (id) => ['PATCH', `/v1/api-keys/${id}`, { name: 'renamed on B' }], (body) => expect(body.name).toBe('renamed on B')],
    ['POST /v1/api-keys/{id}/disable', (id) => ['POST', `/v1/api-keys/${id}/disable`], (body) => expect(body.status).toBe('disabled')],
    ['POST /v1/api-keys/{id}/enable', (id) => ['POST', `/v1/api-keys/${id}/enable`], (body) => expect(body.status).toBe('active')],
    ['POST /v1/api-keys/{id}/roll', (id) => ['POST', `/v1/api-keys/${id}/roll`, { grace_seconds: 0 }], (body, id) => expect(body.predecessor_id).toBe(id)],
    ['DELETE /v1/api-keys/{id}', (id) => ['DELETE', `/v1/api-keys/${id}`], (body) => expect(body.status).toBe('revoked')],
  ])('%s on B finds a key A has just created', async (_route, request, check) => {
    const id = await createdOnA();
    const [method, path, body] = request(id);
    const answer = await callInstance(b, admin, method, path, body);
    expect(answer.status).toBe(method === 'POST' && path.endsWith('/roll') ? 201 : 200);
    check(answer.body, id);
  });

  it('still answers 404 for an id no instance knows', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await callInstance(b, admin, 'GET', `/v1/api-keys/${unknown}`)).status).toBe(404);
    expect((await callInstance(b, admin, 'GET', `/v1/api-keys?starting_after=${unknown}`)).status).toBe(404);
  });
});
