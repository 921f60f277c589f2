import { collectVisible } from './visible-page.js';
import { decodePageToken, encodePageToken } from './page-token.js';

/** Rows 0..n-1 in a sorted table, read in keyset batches like the repository does. */
function table(n: number) {
  const rows = Array.from({ length: n }, (_, i) => i);
  const reads: number[] = [];
  const fetchAfter = async (after: number | null, limit: number) => {
    reads.push(limit);
    return rows.filter((r) => after === null || r > after).slice(0, limit);
  };
  return { fetchAfter, reads };
}

/** Walks every page the way a client follows `next`. */
async function walk(n: number, visible: (r: number) => boolean, want: number, batch: number) {
  const { fetchAfter } = table(n);
  const pages: number[][] = [];
  let after: number | null = null;
  for (let i = 0; i < 1000; i++) {
    const page: { items: number[]; next: number | null } = await collectVisible(fetchAfter, visible, after, want, batch);
    pages.push(page.items);
    if (page.next === null) return pages;
    after = page.next;
  }
  throw new Error('never ended');
}

describe('collectVisible (keyset pages of what the caller may see)', () => {
  it.each([
    ['everything visible, pages fill exactly', 10, () => true, 5, 5, [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], []]],
    ['everything visible, short last page', 7, () => true, 5, 5, [[0, 1, 2, 3, 4], [5, 6]]],
    ['odd rows hidden, batch smaller than a page', 10, (r: number) => r % 2 === 0, 3, 2, [[0, 2, 4], [6, 8]]],
    ['nothing visible', 25, () => false, 5, 4, [[]]],
    ['empty table', 0, () => true, 5, 5, [[]]],
    ['only the last row visible', 12, (r: number) => r === 11, 2, 5, [[11]]],
  ])('%s', async (_, n, visible, want, batch, expected) => {
    expect(await walk(n as number, visible as (r: number) => boolean, want as number, batch as number)).toEqual(expected);
  });

  it('returns each visible row exactly once over a walk to the end, in order', async () => {
    const visible = (r: number) => r % 7 !== 3;
    const all = (await walk(500, visible, 13, 40)).flat();
    expect(all).toEqual(Array.from({ length: 500 }, (_, i) => i).filter(visible));
  });

  it('stops reading once the page is full', async () => {
    const { fetchAfter, reads } = table(10_000);
    const page = await collectVisible(fetchAfter, () => true, null, 10, 100);
    expect(page.items).toHaveLength(10);
    expect(page.next).toBe(9);
    expect(reads).toHaveLength(1);
  });
});

describe('page tokens', () => {
  it('round-trips a position', () => {
    expect(decodePageToken(encodePageToken(['github.com/a/b', 'v1.0.0']), 2)).toEqual(['github.com/a/b', 'v1.0.0']);
  });

  it.each([['not base64 json', '!!!'], ['wrong arity', encodePageToken(['a'])], ['not strings', Buffer.from('[1,2]').toString('base64url')]])(
    'refuses %s',
    (_, token) => {
      expect(decodePageToken(token, 2)).toBeNull();
    },
  );
});
