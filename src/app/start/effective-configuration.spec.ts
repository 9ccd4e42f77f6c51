import { loadEnvironment } from '../../shared/config/environment.js';
import { effectiveConfiguration } from './effective-configuration.js';

describe('effectiveConfiguration: the start says what it took, secrets withheld', () => {
  it('lists every setting with its default, and leaves out the unset ones', () => {
    const settings = effectiveConfiguration(loadEnvironment({ PORT: '8080' }));
    expect(settings).toMatchObject({ PORT: 8080, HOST: '0.0.0.0', DATA_DIR: './data', MAX_KEYS_PER_ACCOUNT: 10_000, TRUST_PROXY: 'false' });
    expect(Object.keys(settings)).not.toContain('METRICS_TOKEN');
    expect(Object.keys(settings)).not.toContain('REDIS_URL');
  });

  it('says a secret is set, and a URL by its scheme and hosts only: no user, password, path or option', () => {
    const settings = effectiveConfiguration(
      loadEnvironment({
        VERIFY_TOKEN: `${'v'.repeat(32)}s3cr3t`,
        METRICS_TOKEN: `${'m'.repeat(16)}s3cr3t`,
        ALERT_WEBHOOK_URL: 'https://hooks.example/services/T0/B0/s3cr3t',
        ALERT_WEBHOOK_SECRET: `${'w'.repeat(16)}s3cr3t`,
        ALERT_WEBHOOK_SECRET_PREVIOUS: `${'p'.repeat(16)}s3cr3t`,
        REDIS_URL: 'redis://:s3cr3t@cache:6379/2',
        MONGODB_URL: 'mongodb://u:s3cr3t@m1:27017,m2:27017/?replicaSet=rs0&tlsCertificateKeyFilePassword=s3cr3t',
        EVENTSTORE_URL: 'esdb://admin:s3cr3t@eventstore:2113?tls=false',
      }),
    );
    expect(settings).toMatchObject({
      VERIFY_TOKEN: '(set)',
      METRICS_TOKEN: '(set)',
      ALERT_WEBHOOK_SECRET: '(set)',
      ALERT_WEBHOOK_SECRET_PREVIOUS: '(set)',
      ALERT_WEBHOOK_URL: 'https://hooks.example/…',
      REDIS_URL: 'redis://…@cache:6379/…',
      MONGODB_URL: 'mongodb://…@m1:27017,m2:27017/…',
      EVENTSTORE_URL: 'esdb://…@eventstore:2113/…',
    });
    expect(JSON.stringify(settings)).not.toContain('s3cr3t');
  });

  it('withholds a password with an unencoded @ (ioredis), / or # (EventStoreDB), and a webhook path written with backslashes (fetch)', () => {
    const settings = effectiveConfiguration(
      loadEnvironment({
        REDIS_URL: 'redis://:p@ss@s3cr3t@cache:6379',
        ALERT_WEBHOOK_URL: 'https://hooks.example\\services\\T0\\s3cr3t',
        ALERT_WEBHOOK_SECRET: 'w'.repeat(16),
        MONGODB_URL: 'mongodb://u:pa\\s3cr3t@m1:27017',
        // The EventStoreDB client takes a / or # in the password: the listening line said esdb://admin:pa/…
        EVENTSTORE_URL: 'esdb://admin:pa/s3cr3t#s3cr3t@eventstore:2113?tls=false',
      }),
    );
    expect(settings).toMatchObject({
      REDIS_URL: 'redis://…@cache:6379',
      ALERT_WEBHOOK_URL: 'https://hooks.example/…',
      MONGODB_URL: 'mongodb://…@m1:27017',
      EVENTSTORE_URL: 'esdb://…@eventstore:2113/…',
    });
    expect(JSON.stringify(settings)).not.toMatch(/s3cr3t|admin/);
  });
});
