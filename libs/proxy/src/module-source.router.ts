import type { ModuleSource } from '#upstream';

/** Picks the origin of a module path: the public upstream chain unless a private origin claims it. */
export class ModuleSourceRouter {
  constructor(private readonly upstream: ModuleSource) {}

  sourceFor(_modulePath: string): ModuleSource {
    return this.upstream;
  }
}
