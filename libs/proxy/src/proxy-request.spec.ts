import { InvalidInputError, NotFoundError } from './errors.js';
import { MALFORMED_REQUESTS } from '../../../test/malformed-requests.js';
import { parseProxyRequest, type ProxyRequest } from './proxy-request.js';

describe('parseProxyRequest: well-formed requests', () => {
  const cases: Array<[string, ProxyRequest]> = [
    ['/golang.org/x/text/@v/list', { endpoint: 'list', modulePath: 'golang.org/x/text' }],
    ['/golang.org/x/text/@latest', { endpoint: 'latest', modulePath: 'golang.org/x/text' }],
    ['/golang.org/x/text/@v/v0.3.8.info', { endpoint: 'artifact', modulePath: 'golang.org/x/text', version: 'v0.3.8', kind: 'info' }],
    ['/golang.org/x/text/@v/v0.3.8.mod', { endpoint: 'artifact', modulePath: 'golang.org/x/text', version: 'v0.3.8', kind: 'mod' }],
    ['/golang.org/x/text/@v/v0.3.8.zip', { endpoint: 'artifact', modulePath: 'golang.org/x/text', version: 'v0.3.8', kind: 'zip' }],
    ['/github.com/!azure/go-autorest/@v/list', { endpoint: 'list', modulePath: 'github.com/Azure/go-autorest' }],
    ['/github.com/x/y/@v/v1.0.0-!r!c1.mod', { endpoint: 'artifact', modulePath: 'github.com/x/y', version: 'v1.0.0-RC1', kind: 'mod' }],
    ['/example.com/m/v2/@v/v2.1.0.zip', { endpoint: 'artifact', modulePath: 'example.com/m/v2', version: 'v2.1.0', kind: 'zip' }],
    ['/example.com/m/@v/v2.0.0+incompatible.mod', { endpoint: 'artifact', modulePath: 'example.com/m', version: 'v2.0.0+incompatible', kind: 'mod' }],
    ['/example.com/m/@v/v2.0.0%2Bincompatible.zip', { endpoint: 'artifact', modulePath: 'example.com/m', version: 'v2.0.0+incompatible', kind: 'zip' }],
    ['/gopkg.in/yaml.v2/@v/v2.4.0.mod', { endpoint: 'artifact', modulePath: 'gopkg.in/yaml.v2', version: 'v2.4.0', kind: 'mod' }],
    ['/example.com/m/@v/master.info', { endpoint: 'artifact', modulePath: 'example.com/m', version: 'master', kind: 'info' }],
    ['/example.com/m/@v/v1.2.info', { endpoint: 'artifact', modulePath: 'example.com/m', version: 'v1.2', kind: 'info' }],
    [
      '/example.com/m/@v/v0.0.0-20200102030405-abcdef123456.zip',
      { endpoint: 'artifact', modulePath: 'example.com/m', version: 'v0.0.0-20200102030405-abcdef123456', kind: 'zip' },
    ],
    ['/example.com/m/@latest?go-get=1', { endpoint: 'latest', modulePath: 'example.com/m' }],
  ];
  it.each(cases)('%s', (path, expected) => {
    expect(parseProxyRequest(path)).toEqual(expected);
  });
});

describe('parseProxyRequest: malformed requests', () => {
  const malformed = MALFORMED_REQUESTS.map(([name, path, status]) => ({ name, path, status }));
  it.each(malformed)('$name -> $status', ({ path, status }) => {
    let caught: unknown;
    try {
      parseProxyRequest(path);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(status === 400 ? InvalidInputError : NotFoundError);
    const message = (caught as Error).message;
    expect(message).not.toContain('\n');
    expect(message.length).toBeGreaterThan(10);
  });
});
