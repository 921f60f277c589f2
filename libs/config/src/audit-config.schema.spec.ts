import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isIpOrCidr } from './audit-config.schema.js';
import { ConfigError, loadConfig } from './load-config.js';

describe('audit settings', () => {
  it('records by default, fails closed, keeps a year, trusts no proxy', () => {
    expect(loadConfig({}, '/srv').audit).toEqual({ enabled: true, failOpen: false, retentionDays: 365, trustedProxies: [] });
  });

  it('reads the environment', () => {
    const config = loadConfig({ MODGATE_AUDIT_FAIL_OPEN: 'true', MODGATE_AUDIT_RETENTION_DAYS: '0', MODGATE_TRUSTED_PROXIES: '10.0.0.0/8, 192.168.1.1,fd00::/8' }, '/srv');
    expect(config.audit).toEqual({ enabled: true, failOpen: true, retentionDays: 0, trustedProxies: ['10.0.0.0/8', '192.168.1.1', 'fd00::/8'] });
  });

  it('reads trusted proxies as a YAML list', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'modgate-audit-config-')), 'modgate.yaml');
    writeFileSync(file, 'trustedProxies:\n  - 10.1.0.0/16\n  - 10.2.3.4\n');
    expect(loadConfig({ MODGATE_CONFIG: file }, '/srv').audit.trustedProxies).toEqual(['10.1.0.0/16', '10.2.3.4']);
  });

  it('accepts MODGATE_AUDIT=off on a loopback listener without TLS (benchmarks)', () => {
    expect(loadConfig({ MODGATE_AUDIT: 'off', MODGATE_LISTEN: '127.0.0.1:9000' }, '/srv').audit.enabled).toBe(false);
  });

  it.each([
    ['on a public listener', { MODGATE_AUDIT: 'off', MODGATE_LISTEN: '0.0.0.0:8080' }, /MODGATE_AUDIT: off is only for benchmarks/],
    ['with TLS', { MODGATE_AUDIT: 'off', MODGATE_TLS_CERT: 'c.pem', MODGATE_TLS_KEY: 'k.pem' }, /MODGATE_AUDIT: off is only for benchmarks/],
    ['an unknown mode', { MODGATE_AUDIT: 'maybe' }, /MODGATE_AUDIT: /],
    ['a bad trusted proxy', { MODGATE_TRUSTED_PROXIES: '10.0.0.0/33' }, /MODGATE_TRUSTED_PROXIES: expected IP addresses or CIDRs .* "10.0.0.0\/33"/],
    ['a host name as a proxy', { MODGATE_TRUSTED_PROXIES: 'proxy.corp' }, /MODGATE_TRUSTED_PROXIES: /],
    ['a negative retention', { MODGATE_AUDIT_RETENTION_DAYS: '-1' }, /MODGATE_AUDIT_RETENTION_DAYS: /],
  ])('refuses MODGATE_AUDIT settings %s', (_name, env, message) => {
    expect(() => loadConfig(env, '/srv')).toThrow(ConfigError);
    expect(() => loadConfig(env, '/srv')).toThrow(message);
  });

  it.each([
    ['10.1.2.3', true],
    ['10.0.0.0/8', true],
    ['::1', true],
    ['fd00::/128', true],
    ['fd00::/129', false],
    ['10.0.0.0/8/8', false],
    ['10.0.0', false],
    ['', false],
  ])('isIpOrCidr(%j) is %s', (value, expected) => {
    expect(isIpOrCidr(value)).toBe(expected);
  });
});
