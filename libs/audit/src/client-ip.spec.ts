import { ClientIpResolver, normalizeIp } from './client-ip.js';

describe('ClientIpResolver', () => {
  const trusting = new ClientIpResolver(['10.0.0.0/8', '192.168.1.1', 'fd00::/8']);
  const trustingNone = new ClientIpResolver([]);

  const cases: Array<[string, ClientIpResolver, string | undefined, string | string[] | undefined, string | null]> = [
    ['no trusted proxies: the peer, whatever the header says', trustingNone, '203.0.113.9', '198.51.100.1', '203.0.113.9'],
    ['an untrusted peer: its header is ignored', trusting, '203.0.113.9', '198.51.100.1', '203.0.113.9'],
    ['a trusted peer: the client it forwards for', trusting, '10.1.2.3', '198.51.100.1', '198.51.100.1'],
    ['a chain of trusted proxies is skipped from the right', trusting, '10.1.2.3', '198.51.100.1, 192.168.1.1, 10.9.9.9', '198.51.100.1'],
    ['a spoofed left-most entry is not believed', trusting, '10.1.2.3', '1.1.1.1, 198.51.100.7', '198.51.100.7'],
    ['a trusted peer without the header', trusting, '10.1.2.3', undefined, '10.1.2.3'],
    ['a malformed entry stops the walk at the last good hop', trusting, '10.1.2.3', 'evil, 10.4.4.4', '10.4.4.4'],
    ['repeated headers are joined', trusting, '10.1.2.3', ['198.51.100.1', '10.5.5.5'], '198.51.100.1'],
    ['IPv4-mapped peers are plain IPv4', trusting, '::ffff:10.1.2.3', '198.51.100.1', '198.51.100.1'],
    ['IPv6 trusted subnet', trusting, 'fd00::1', '2001:DB8::5', '2001:db8::5'],
    ['all hops trusted: the left-most', trusting, '10.1.2.3', '10.7.7.7', '10.7.7.7'],
    ['no peer address', trusting, undefined, '198.51.100.1', null],
  ];
  it.each(cases)('%s', (_name, resolver, peer, header, expected) => {
    expect(resolver.resolve(peer, header)).toBe(expected);
  });
});

describe('normalizeIp', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::FFFF:127.0.0.1', '127.0.0.1'],
    ['[::1]', '::1'],
    ['2001:DB8::1', '2001:db8::1'],
    ['not-an-ip', null],
    ['', null],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeIp(input)).toBe(expected);
  });
});
