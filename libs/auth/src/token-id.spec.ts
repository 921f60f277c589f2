import { TOKEN_ID, newTokenId } from './token-id.js';

describe('newTokenId', () => {
  it('makes distinct 22-character base64url ids, none starting with "-"', () => {
    // Plain base64url starts 1 id in 64 with "-": about 47 of these 3000 would.
    const ids = Array.from({ length: 3000 }, newTokenId);
    expect(ids.filter((id) => !TOKEN_ID.test(id))).toEqual([]);
    expect(ids.filter((id) => id.startsWith('-'))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
