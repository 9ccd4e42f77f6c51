import { secretScanningKeysProblem } from './secret-scanning-keys-location.js';

describe('secretScanningKeysProblem', () => {
  it.each(['/etc/parsesphere/secret-scanning-keys.json', 'https://api.github.com/meta/public_keys/secret_scanning', 'http://127.0.0.1:42202/keys'])(
    'accepts %s',
    (value) => expect(secretScanningKeysProblem(value)).toBeNull(),
  );

  it.each([
    ['http://keys.example/keys', expect.stringMatching(/^must be an https:\/\/ URL/)],
    ['https://user:pw@keys.example/keys', 'must not hold a user name or password (fetch refuses them)'],
    // A port fetch refuses (the Fetch standard's "bad port" list): every report was refused, the keys never fetched.
    ['https://keys.example:6667/keys', 'must not use port 6667: fetch refuses to connect to it (the Fetch standard blocks it), so the keys would never be fetched'],
  ])('refuses %s', (value, problem) => expect(secretScanningKeysProblem(value)).toEqual(problem));
});
