import 'reflect-metadata';
import cluster from 'node:cluster';
import { LocalUserService } from '#auth';
import { ConfigError, loadConfig, type ModgateConfig } from '#config';
import { bootstrap, initialAdminBanner, listenUrl, startBanner } from './bootstrap.js';
import { runClusterPrimary } from './cluster-primary.js';

async function main(): Promise<void> {
  let config: ModgateConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`modgate: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const printBanner = () => process.stdout.write(`${startBanner(config, listenUrl(config))}\n`);
  if (config.workers > 1 && cluster.isPrimary) {
    runClusterPrimary(config.workers, printBanner);
    return;
  }
  const app = await bootstrap(config);
  if (cluster.isPrimary) printBanner();
  // Whichever process created the bootstrap admin shows its password, once.
  const admin = initialAdminBanner(app.get(LocalUserService).takeInitialAdmin());
  if (admin) process.stdout.write(admin);
}

main().catch((err: unknown) => {
  process.stderr.write(`modgate: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
