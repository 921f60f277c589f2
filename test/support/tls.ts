import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFileText } from './exec.js';

/** PEM files written by {@link createTestCa}. */
export interface TestCa {
  /** The CA certificate: give it to the go command as `SSL_CERT_FILE`, to node as `ca`. */
  caCertPath: string;
  /** The server certificate (for 127.0.0.1 and localhost), signed by the CA. */
  certPath: string;
  /** The server's private key (EC P-256, PKCS#8, unencrypted). */
  keyPath: string;
}

const DNS_NAME = /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

/**
 * Creates, with the `openssl` CLI, a throwaway CA and a server certificate signed by it, valid for
 * one day, with subjectAltName IP:127.0.0.1, DNS:localhost and `extraDnsNames`. Keys are EC P-256.
 * Go (1.15+) ignores the CN and needs the SAN; it also checks extendedKeyUsage serverAuth.
 * Files land in `dir` (created if missing): ca.crt, ca.key, server.crt, server.key.
 */
export async function createTestCa(dir: string, extraDnsNames: readonly string[] = []): Promise<TestCa> {
  for (const name of extraDnsNames) {
    if (!DNS_NAME.test(name)) throw new Error(`createTestCa: not a DNS name: ${JSON.stringify(name)}`);
  }
  await mkdir(dir, { recursive: true });
  const path = (name: string): string => join(dir, name);

  await writeFile(
    path('ca.cnf'),
    [
      '[req]',
      'distinguished_name = dn',
      'prompt = no',
      'x509_extensions = v3_ca',
      '[dn]',
      'CN = modgate test CA',
      '[v3_ca]',
      'basicConstraints = critical, CA:TRUE, pathlen:0',
      'keyUsage = critical, keyCertSign, cRLSign',
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid:always',
      '',
    ].join('\n'),
  );
  const dnsNames = ['localhost', ...extraDnsNames];
  await writeFile(
    path('server.cnf'),
    [
      '[req]',
      'distinguished_name = dn',
      'prompt = no',
      '[dn]',
      'CN = localhost',
      '[v3_server]',
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = critical, digitalSignature',
      'extendedKeyUsage = serverAuth',
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid, issuer',
      'subjectAltName = @alt',
      '[alt]',
      'IP.1 = 127.0.0.1',
      ...dnsNames.map((name, i) => `DNS.${i + 1} = ${name}`),
      '',
    ].join('\n'),
  );

  // `-config` replaces the system openssl.cnf, so its defaults cannot add or duplicate extensions.
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const openssl = (args: string[]): Promise<unknown> => execFileText('openssl', args, { cwd: dir, timeoutMs: 30_000 });
  await openssl(['req', '-x509', '-config', 'ca.cnf', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-sha256']);
  await openssl(['req', '-new', '-config', 'server.cnf', ...ec, '-keyout', 'server.key', '-out', 'server.csr']);
  await openssl([
    'x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key',
    '-set_serial', randomSerial(),
    '-days', '1', '-sha256', '-extfile', 'server.cnf', '-extensions', 'v3_server', '-out', 'server.crt',
  ]);
  return { caCertPath: path('ca.crt'), certPath: path('server.crt'), keyPath: path('server.key') };
}

/** A positive 128-bit serial (top bit cleared), so no ca.srl file is needed. */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return `0x${bytes.toString('hex')}`;
}
