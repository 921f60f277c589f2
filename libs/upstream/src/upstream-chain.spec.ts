import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseProxyList } from '#gomod';
import { UpstreamChain } from './upstream-chain.js';
import { UpstreamFailedError, UpstreamNotFoundError } from './upstream.errors.js';

/** Real HTTP servers on loopback, each answering every request with one status. */
describe('UpstreamChain fallback rules', () => {
  const servers: Server[] = [];
  const urls: Record<string, string> = {};
  const hits: string[] = [];

  beforeAll(async () => {
    const behaviours: Record<string, number> = { ok: 200, missing: 404, gone: 410, broken: 500, slow: 200 };
    for (const [name, status] of Object.entries(behaviours)) {
      const server = createServer((req, res) => {
        hits.push(name);
        const send = () => res.writeHead(status, { 'content-type': 'text/plain' }).end(`${name} says ${status}\n`);
        if (name === 'slow') setTimeout(send, 1500);
        else send();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      servers.push(server);
      urls[name] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }
    // A port that refuses connections.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    urls.down = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });
  beforeEach(() => {
    hits.length = 0;
  });

  const chain = (spec: string, timeoutMs = 5000) =>
    new UpstreamChain(parseProxyList(spec.replace(/[a-z]+/g, (name) => urls[name] ?? name)), timeoutMs);

  it('answers from the first upstream that has the path', async () => {
    const response = await chain('missing,gone,ok').fetch('m/@v/list');
    expect(await response.bytes(100)).toEqual(Buffer.from('ok says 200\n'));
    expect(hits).toEqual(['missing', 'gone', 'ok']);
  });

  it('stops at a server error after a comma', async () => {
    await expect(chain('broken,ok').fetch('m/@v/list')).rejects.toThrow(UpstreamFailedError);
    expect(hits).toEqual(['broken']);
  });

  it('falls through a server error after a pipe', async () => {
    const response = await chain('broken|ok').fetch('m/@v/list');
    expect(response.status).toBe(200);
    expect(hits).toEqual(['broken', 'ok']);
  });

  it('falls through an unreachable upstream after a pipe, not after a comma', async () => {
    expect((await chain('down|ok').fetch('x')).status).toBe(200);
    await expect(chain('down,ok').fetch('x')).rejects.toThrow(/ECONNREFUSED|fetch failed/);
  });

  it('reports not found when every upstream says 404 or 410', async () => {
    await expect(chain('missing,missing').fetch('m/@v/list')).rejects.toThrow(UpstreamNotFoundError);
    const last = await chain('missing,gone').fetch('m/@v/list').catch((err: UpstreamNotFoundError) => err);
    expect(last).toMatchObject({ status: 410 });
  });

  it('reports the failure when the last upstream after a pipe fails', async () => {
    await expect(chain('missing|broken').fetch('x')).rejects.toThrow(/500/);
  });

  it('is not found at all when off', async () => {
    await expect(chain('off').fetch('m/@v/list')).rejects.toThrow('module lookup disabled by MODGATE_UPSTREAM=off');
  });

  it('gives up on an upstream slower than the timeout', async () => {
    await expect(chain('slow', 200).fetch('x')).rejects.toThrow(UpstreamFailedError);
  });

  it('refuses a body larger than the limit', async () => {
    const response = await chain('ok').fetch('x');
    await expect(response.bytes(4)).rejects.toThrow(/larger than 4 bytes/);
  });
});
