import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { gitFixtureEnv } from '../support/index.js';
import type { ZipPrediction } from './case-types.js';

/**
 * The `h1:` hash (x/mod dirhash.Hash1, written here independently of modgate's code) of a module
 * zip holding `zip.files`: names `<module>@<version>/<file>`, contents from `zip.content` or else
 * the raw blob `<commit>:<moduleDir>/<file>` of the repository in `repoDir`.
 */
export async function predictedZipHash(
  zip: ZipPrediction,
  at: { repoDir: string; commit: string; moduleDir: string; module: string; version: string },
): Promise<string> {
  const lines: Array<{ name: Buffer; digest: string }> = [];
  for (const file of zip.files) {
    const given = zip.content[file];
    const content = given ?? (await gitBlob(at.repoDir, `${at.commit}:${at.moduleDir ? `${at.moduleDir}/` : ''}${file}`));
    lines.push({
      name: Buffer.from(`${at.module}@${at.version}/${file}`, 'utf8'),
      digest: createHash('sha256').update(content).digest('hex'),
    });
  }
  // Go sorts the names as byte strings.
  lines.sort((a, b) => Buffer.compare(a.name, b.name));
  const summary = createHash('sha256');
  for (const line of lines) summary.update(`${line.digest}  `).update(line.name).update('\n');
  return `h1:${summary.digest('base64')}`;
}

/** `git cat-file blob <spec>` as raw bytes (no attribute conversion). */
function gitBlob(repoDir: string, spec: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['cat-file', 'blob', spec],
      { cwd: repoDir, env: gitFixtureEnv(), encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => (error ? reject(new Error(`git cat-file blob ${spec}: ${stderr.toString()}`)) : resolve(stdout)),
    );
  });
}
