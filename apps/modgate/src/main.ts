import 'reflect-metadata';
import { ConfigError, loadConfig } from '#config';
import { bootstrap, listenUrl, startBanner } from './bootstrap.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`modgate: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  await bootstrap(config);
  process.stdout.write(`${startBanner(config, listenUrl(config))}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`modgate: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
