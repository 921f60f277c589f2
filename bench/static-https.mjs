// The runtime's floor for bench/throughput.sh: a bare Node https static file server, what any
// Node service pays to answer with a file over TLS (stat, headers, a read stream). No framework,
// no auth, no database, no logging.
// Usage: node bench/static-https.mjs ROOT PORT CERT KEY
import { createReadStream, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:https';
import { extname, join, normalize } from 'node:path';
import { URL } from 'node:url';

const [root, port, cert, key] = process.argv.slice(2);
if (!root || !port || !cert || !key) {
  console.error('usage: node static-https.mjs ROOT PORT CERT KEY');
  process.exit(2);
}
const TYPES = { '.zip': 'application/zip', '.info': 'application/json' };

const server = createServer({ cert: readFileSync(cert), key: readFileSync(key), keepAliveTimeout: 65_000 }, async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'https://x').pathname));
  if (path.includes('..')) return void res.writeHead(400).end();
  const file = join(root, path);
  try {
    const info = await stat(file);
    if (!info.isFile()) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'text/plain; charset=utf-8', 'content-length': info.size });
    createReadStream(file).pipe(res);
  } catch {
    res.writeHead(404).end();
  }
});
server.listen(Number(port), '127.0.0.1');
