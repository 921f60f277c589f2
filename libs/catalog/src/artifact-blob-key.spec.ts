import { artifactOfKey } from './artifact-blob-key.js';

describe('artifactOfKey', () => {
  it.each([
    ['github.com/!azure/x/@v/v1.0.0-!r!c1.zip', { modulePath: 'github.com/Azure/x', version: 'v1.0.0-RC1', kind: 'zip' }],
    ['example.com/a/@v/v1.2.3.mod', { modulePath: 'example.com/a', version: 'v1.2.3', kind: 'mod' }],
    ['example.com/a/v2/@v/v2.0.0+incompatible.info', { modulePath: 'example.com/a/v2', version: 'v2.0.0+incompatible', kind: 'info' }],
  ])('reads %s', (key, expected) => {
    expect(artifactOfKey(key)).toEqual(expected);
  });

  it.each([
    ['an audit archive', 'audit/archive/00000001-00000100.ndjson.gz'],
    ['a checksum database tile', 'sumdb/sum.golang.org/tile/8/0/001'],
    ['a list file', 'example.com/a/@v/list'],
    ['an upper-case path (not the escaped form)', 'github.com/Azure/x/@v/v1.0.0.zip'],
    ['a bad escape', 'github.com/!!x/@v/v1.0.0.zip'],
    ['another extension', 'example.com/a/@v/v1.0.0.ziq'],
  ])('ignores %s', (_, key) => {
    expect(artifactOfKey(key)).toBeNull();
  });
});
