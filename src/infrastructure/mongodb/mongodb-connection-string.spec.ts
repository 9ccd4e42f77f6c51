import { InvalidConfigurationError } from '../../shared/config/invalid-configuration.error.js';
import { checkMongoConnectionString, mongoConnectionStringIsReadable } from './mongodb-connection-string.js';

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
    expect(() => checkMongoConnectionString(url)).toThrow(InvalidConfigurationError);
    expect(() => checkMongoConnectionString(url)).toThrow(/^Invalid configuration: MONGODB_URL is not a connection string the MongoDB driver can read: [^\n]*$/);
    try {
      checkMongoConnectionString(url);
    } catch (error) {
      expect((error as Error).message).not.toMatch(/s3cr3t|bogus|maybe|many|99999/);
    }
  });
});
