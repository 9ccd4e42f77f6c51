import { InvalidConfigurationError } from '../../shared/config/invalid-configuration.error.js';
import { checkMongoConnectionString, mongoConnectionStringIsReadable, mongoUrlDatabase } from './mongodb-connection-string.js';

describe('MONGODB_URL check', () => {
  it.each([
    'mongodb://127.0.0.1:27017',
    'mongodb://u:s3cr3t@h:27017/db?authSource=admin&replicaSet=rs0',
    'mongodb://h1:27017,h2:27018/?readPreference=secondaryPreferred',
    'mongodb+srv://u:s3cr3t@cluster.example.com/x',
  ])('accepts %s, without connecting', (url) => {
    expect(mongoConnectionStringIsReadable(url)).toBe(true);
  });

  it.each([
    'mongodb://u:s3cr3t@host:99999',
    'mongodb://u:s3cr3t@@@',
    'mongodb://h/?tls=maybe',
    'mongodb://h/?bogusOpt=1',
    'mongodb://u:s3cr3t@h:0',
    'mongodb://u%:s3cr3t@h',
    'mongodb://u:s3cr3t@h/?maxPoolSize=many',
    'mongodb+srv://u:s3cr3t@cluster.example.com:27017/x',
  ])('refuses %s, in one line that repeats nothing of it', (url) => {
    expect(mongoConnectionStringIsReadable(url)).toBe(false);
    expect(() => checkMongoConnectionString(url, 'parsesphere')).toThrow(InvalidConfigurationError);
    expect(() => checkMongoConnectionString(url, 'parsesphere')).toThrow(/^Invalid configuration: MONGODB_URL is not a connection string the MongoDB driver can read: [^\n]*$/);
    try {
      checkMongoConnectionString(url, 'parsesphere');
    } catch (error) {
      expect((error as Error).message).not.toMatch(/s3cr3t|bogus|maybe|many|99999/);
    }
  });

  it.each([
    ['mongodb://h:27017', null],
    ['mongodb://h:27017/', null],
    ['mongodb://h:27017/?replicaSet=rs0', null],
    ['mongodb://u:s3cr3t@h1:27017,h2:27018/keys_prod?authSource=admin', 'keys_prod'],
    ['mongodb+srv://u:s3cr3t@cluster.example.com/keys', 'keys'],
    ['mongodb://%2Ftmp%2Fmongodb-27017.sock/a%2Db', 'a-b'],
  ])('reads the database %s names: %s', (url, database) => {
    expect(mongoUrlDatabase(url)).toBe(database);
  });

  it('refuses a URL naming a database other than MONGODB_DB, which the service would silently not use', () => {
    // Found running the service with MONGODB_URL=mongodb://127.0.0.1:55555/mydb: its views went to "parsesphere".
    const url = 'mongodb+srv://u:s3cr3t@cluster.example.com/keys_prod?retryWrites=true';
    expect(() => checkMongoConnectionString(url, 'parsesphere')).toThrow(
      'Invalid configuration: MONGODB_URL names the database "keys_prod", but the read models go to MONGODB_DB ("parsesphere", "parsesphere" when unset): set MONGODB_DB=keys_prod, or remove /keys_prod from MONGODB_URL (to authenticate against that database, give ?authSource=keys_prod)',
    );
    expect(() => checkMongoConnectionString(url, 'keys_prod')).not.toThrow();
    expect(() => checkMongoConnectionString('mongodb://u:s3cr3t@h/admin', 'parsesphere')).not.toThrow();
    expect(() => checkMongoConnectionString('mongodb://h:27017/', 'parsesphere')).not.toThrow();
  });
});
