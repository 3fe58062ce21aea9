import { localClientConfig } from '../../src/testing';

describe('localClientConfig', () => {
  it('names a real region (moto answers a made-up one with an HTTP 500) and dummy credentials', () => {
    const config = localClientConfig('http://127.0.0.1:4567');
    expect(config.region).toMatch(/^[a-z]{2}(-[a-z]+)+-\d$/);
    expect(config).toMatchObject({ endpoint: 'http://127.0.0.1:4567', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    expect(localClientConfig('http://h', { region: 'eu-west-1', maxAttempts: 5 })).toMatchObject({ region: 'eu-west-1', maxAttempts: 5 });
  });
});
