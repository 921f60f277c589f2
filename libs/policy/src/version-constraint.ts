import { canonical, compareSemver, isValidSemver } from '#gomod';

/** A version constraint that cannot be parsed. */
export class BadConstraintError extends Error {
  constructor(constraint: string, detail: string) {
    super(`bad version constraint ${JSON.stringify(constraint)}: ${detail}`);
    this.name = 'BadConstraintError';
  }
}

type Operator = '<' | '<=' | '>' | '>=' | '=';

interface Comparison {
  op: Operator;
  version: string;
}

/**
 * A parsed version constraint: alternatives separated by `||`, each a list of comparisons that
 * must all hold (separated by spaces or commas). A comparison is `<v`, `<=v`, `>v`, `>=v`, `=v`
 * or a bare version (`=`); `*` matches every version. Versions are semver as the go command
 * compares them (`semver.Compare`: build metadata such as `+incompatible` is ignored).
 */
export interface VersionConstraint {
  readonly text: string;
  matches(version: string): boolean;
}

/** Parses `<v0.3.8`, `>=v1.0.0 <v1.2.0`, `v1.2.3`, `<v1.0.0 || >=v2.0.0 <v2.0.5`, `*`. */
export function parseVersionConstraint(text: string): VersionConstraint {
  const alternatives = text.split('||').map((alternative) => {
    const terms = alternative.split(/[\s,]+/).filter((term) => term !== '');
    if (terms.length === 0) throw new BadConstraintError(text, 'empty alternative');
    return terms.flatMap((term): Comparison[] => {
      if (term === '*') return [];
      const match = /^(<=|>=|<|>|=)?(.+)$/.exec(term)!;
      const op = (match[1] ?? '=') as Operator;
      const version = match[2]!;
      if (!isValidSemver(version)) throw new BadConstraintError(text, `${JSON.stringify(version)} is not a semantic version (e.g. v1.2.3)`);
      return [{ op, version: canonical(version) }];
    });
  });
  return {
    text,
    matches(version: string): boolean {
      if (!isValidSemver(version)) return false;
      return alternatives.some((all) => all.every((c) => holds(c, version)));
    },
  };
}

function holds({ op, version }: Comparison, candidate: string): boolean {
  const cmp = compareSemver(candidate, version);
  switch (op) {
    case '<':
      return cmp < 0;
    case '<=':
      return cmp <= 0;
    case '>':
      return cmp > 0;
    case '>=':
      return cmp >= 0;
    case '=':
      return cmp === 0;
  }
}
