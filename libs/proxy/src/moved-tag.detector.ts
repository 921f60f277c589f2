import { Injectable, Logger } from '@nestjs/common';
import { ArtifactRepository, TagEventRepository } from '#db';
import { isPseudoVersion, splitPathVersion } from '#gomod';

/**
 * Notices tags that moved or vanished after their version was served. Served bytes never change
 * (they come from the blob store); the move is logged and recorded for admins.
 */
@Injectable()
export class MovedTagDetector {
  private readonly logger = new Logger('MovedTags');

  constructor(
    private readonly artifacts: ArtifactRepository,
    private readonly events: TagEventRepository,
  ) {}

  /** Compares every served version of the repository's modules with the tags now in git. */
  async check(codeRoot: string, tags: ReadonlyMap<string, string>): Promise<number> {
    let recorded = 0;
    for (const served of await this.artifacts.privateVersionsUnder(codeRoot)) {
      if (isPseudoVersion(served.version)) continue;
      const tag = tagFor(served.modulePath, codeRoot, served.version);
      const current = tags.get(tag) ?? null;
      if (current === served.originCommit) continue;
      const event = { modulePath: served.modulePath, version: served.version, tag, servedCommit: served.originCommit, currentCommit: current };
      if (await this.events.recordOnce(event)) {
        recorded++;
        this.logger.warn(
          `tag ${tag} of ${served.modulePath} ${current ? `moved from ${served.originCommit} to ${current}` : `was deleted (was ${served.originCommit})`}` +
            ` after ${served.version} was served; modgate keeps serving the original ${served.version}`,
        );
      }
    }
    return recorded;
  }
}

/** The git tag of a version: the module's directory inside the repository as prefix (GOMOD-SPEC 3.3). */
export function tagFor(modulePath: string, codeRoot: string, version: string): string {
  const { prefix } = splitPathVersion(modulePath);
  const dir = prefix === codeRoot ? '' : prefix.slice(codeRoot.length + 1);
  const base = version.replace(/\+incompatible$/, '');
  return dir ? `${dir}/${base}` : base;
}
