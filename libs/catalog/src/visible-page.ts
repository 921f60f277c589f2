/** A page of what the caller may see, and where the next page starts (null: nothing more). */
export interface VisiblePage<T> {
  items: T[];
  next: T | null;
}

/**
 * Reads keyset batches of `batch` rows after `after` and keeps the visible ones until `want` are
 * found or the rows run out. `next` is the last row looked at (visible or not), so the rows the
 * caller may not see are skipped once and never counted or hinted at.
 */
export async function collectVisible<T>(
  fetchAfter: (after: T | null, limit: number) => Promise<T[]>,
  visible: (row: T) => boolean,
  after: T | null,
  want: number,
  batch: number,
): Promise<VisiblePage<T>> {
  const items: T[] = [];
  let position = after;
  for (;;) {
    const rows = await fetchAfter(position, batch);
    for (const [i, row] of rows.entries()) {
      position = row;
      if (!visible(row)) continue;
      items.push(row);
      if (items.length === want) return { items, next: i < rows.length - 1 || rows.length === batch ? position : null };
    }
    if (rows.length < batch) return { items, next: null };
  }
}
