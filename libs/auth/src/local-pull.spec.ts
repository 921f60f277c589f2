import type { IncomingHttpHeaders } from 'node:http';
import { isLocalAnonymousPull } from './local-pull.js';

const GO: IncomingHttpHeaders = { host: '127.0.0.1:8080', 'user-agent': 'Go-http-client/1.1', 'accept-encoding': 'gzip' };

describe('isLocalAnonymousPull', () => {
  it.each([
    ['the go command on this machine', GO, '127.0.0.1'],
    ['through localhost', { ...GO, host: 'localhost:8080' }, '127.0.0.1'],
    ['over IPv6 loopback', { ...GO, host: '[::1]:8080' }, '::1'],
    ['from an IPv4-mapped loopback peer', GO, '::ffff:127.0.0.1'],
  ])('admits %s', (_name, headers, peer) => {
    expect(isLocalAnonymousPull({ headers, peer, httpVersion: '1.1' })).toBe(true);
  });

  it.each([
    ['credentials (they are checked instead)', { ...GO, authorization: 'Basic eDp5' }, '127.0.0.1', '1.1'],
    ['X-Forwarded-For (a proxy relayed it)', { ...GO, 'x-forwarded-for': '203.0.113.9' }, '127.0.0.1', '1.1'],
    ['X-Forwarded-Proto', { ...GO, 'x-forwarded-proto': 'https' }, '127.0.0.1', '1.1'],
    ['Forwarded', { ...GO, forwarded: 'for=203.0.113.9' }, '127.0.0.1', '1.1'],
    ['Via', { ...GO, via: '1.1 proxy' }, '127.0.0.1', '1.1'],
    ['X-Real-IP', { ...GO, 'x-real-ip': '203.0.113.9' }, '127.0.0.1', '1.1'],
    ['a public Host name (a proxy passing it on, or DNS rebinding)', { ...GO, host: 'modgate.corp.example' }, '127.0.0.1', '1.1'],
    ['a Host that only starts like localhost', { ...GO, host: 'localhost.evil.example' }, '127.0.0.1', '1.1'],
    ['no Host', { 'user-agent': 'x' }, '127.0.0.1', '1.1'],
    ['HTTP/1.0 (what nginx sends upstream by default)', GO, '127.0.0.1', '1.0'],
    ['a peer on another machine', GO, '10.0.0.7', '1.1'],
    ['an unknown peer', GO, undefined, '1.1'],
  ])('refuses a request with %s', (_name, headers, peer, httpVersion) => {
    expect(isLocalAnonymousPull({ headers, peer, httpVersion })).toBe(false);
  });
});
