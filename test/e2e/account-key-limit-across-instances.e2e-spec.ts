import { callInstance } from '../support/instance-call.js';
import type { ServiceProcess } from '../support/service-process.js';
import { twoInstancesOnOneStore } from '../support/two-instances.js';

/**
 * Two instances on one DATA_DIR, each counting an account's keys from its own key table. B reads the log only every
 * 10 s or on its own appends, so it has not seen A's creations when it is asked for one: the bound the docs state
 * (api.md, "The account key limit"): past the limit by at most the creations an instance made before its table
 * held the others', and refused everywhere once it has.
 */
describe('MAX_KEYS_PER_ACCOUNT across two service processes on one store', () => {
  const two = twoInstancesOnOneStore('account-key-limit-across-instances', { POLL_INTERVAL_MS: '10000', MAX_KEYS_PER_ACCOUNT: '3' });
  let a: ServiceProcess;
  let b: ServiceProcess;
  let admin: string;
  beforeAll(() => {
    ({ a, b, admin } = two);
  });

  it('lets an instance that has not seen the others’ creations pass the limit by those it makes meanwhile, then refuses on every instance', async () => {
    const create = async (instance: ServiceProcess) => (await callInstance(instance, admin, 'POST', '/v1/api-keys', {})).status;
    // The admin key from the CLI counts: two more fill the account.
    expect([await create(a), await create(a), await create(a)]).toEqual([201, 201, 409]);
    // B's first creation is counted against what B knew (its table catches up with the log on its own append).
    const first = await create(b);
    expect([201, 409]).toContain(first);
    expect(await create(b)).toBe(409);
    const listed = await callInstance(b, admin, 'GET', '/v1/api-keys?limit=100');
    expect(listed.body.data).toHaveLength(first === 201 ? 4 : 3);
    expect(await create(a)).toBe(409);
  });
});
