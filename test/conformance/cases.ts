import type { ConformanceCase } from './case-types.js';
import { EDGE_CASES } from './cases-edges.js';
import { FILE_CASES } from './cases-files.js';
import { LAYOUT_CASES } from './cases-layout.js';
import { MAJOR_CASES } from './cases-majors.js';
import { QUERY_CASES } from './cases-queries.js';
import { VERSION_CASES } from './cases-versions.js';

export type { ConformanceCase } from './case-types.js';

/**
 * Every conformance case: fixture repositories built with the git CLI, each compared between the
 * go command reading the repository directly and the go command going through modgate.
 */
export const CONFORMANCE_CASES: readonly ConformanceCase[] = [
  ...VERSION_CASES,
  ...MAJOR_CASES,
  ...QUERY_CASES,
  ...LAYOUT_CASES,
  ...FILE_CASES,
  ...EDGE_CASES,
];
