import { AuditQueryError } from './audit.errors.js';
import { auditExportSchema, auditPageSchema, decodeCursor, encodeCursor, filterSql, parseParams, toFilter, toPageRequest } from './audit-filter.js';

describe('review query parameters', () => {
  const page = (query: Record<string, unknown>) => toPageRequest(parseParams(auditPageSchema, query));

  it('has defaults: newest first, 100 per page', () => {
    expect(page({})).toEqual({ filter: {}, limit: 100, order: 'desc', after: undefined });
  });

  it('reads every filter', () => {
    const request = page({
      principal: 'alice', group: 'dev', module: 'github.com/acme/', version: 'v1.0.0', action: 'goproxy.zip,sumdb',
      status: '403,5xx', from: '2024-05-01', to: '2024-05-02T00:00:00Z', ip: '10.0.0.0/8', limit: '5', order: 'asc',
    });
    expect(request.filter).toEqual({
      principal: 'alice', group: 'dev', module: 'github.com/acme/', version: 'v1.0.0', actions: ['goproxy.zip', 'sumdb'],
      status: [[403, 403], [500, 599]], from: new Date('2024-05-01T00:00:00Z'), to: new Date('2024-05-02T00:00:00Z'), ip: '10.0.0.0/8',
    });
    expect(request.limit).toBe(5);
    expect(request.order).toBe('asc');
  });

  it('reads relative times', () => {
    const before = Date.now();
    const { filter } = page({ from: '-24h' });
    expect(before - filter.from!.getTime()).toBeGreaterThanOrEqual(86_400_000 - 1000);
    expect(before - filter.from!.getTime()).toBeLessThan(86_400_000 + 1000);
  });

  it.each([
    ['an unknown parameter', { colour: 'red' }, /^colour: unknown parameter/],
    ['a repeated parameter', { module: ['a', 'b'] }, /^module: /],
    ['a bad status', { status: '99' }, /^status: /],
    ['a bad action', { action: 'DROP TABLE' }, /^action: /],
    ['a time without a zone', { from: '2024-05-01T10:00:00' }, /^from: /],
    ['garbage time', { to: 'yesterday' }, /^to: /],
    ['a bad ip', { ip: '10.0.0.300' }, /^ip: /],
    ['a limit too large', { limit: '100000' }, /^limit: /],
    ['a non-numeric limit', { limit: 'ten' }, /^limit: /],
    ['a forged cursor', { after: "1' OR 1=1" }, /^after: /],
    ['from after to', { from: '2024-05-02', to: '2024-05-01' }, /^from: must not be after to/],
  ])('refuses %s with a message naming it', (_name, query, message) => {
    expect(() => page(query)).toThrow(AuditQueryError);
    expect(() => page(query)).toThrow(message);
  });

  it('export accepts csv and ndjson only', () => {
    expect(parseParams(auditExportSchema, { format: 'csv' }).format).toBe('csv');
    expect(() => parseParams(auditExportSchema, { format: 'xml' })).toThrow(/^format: /);
  });

  it('round-trips cursors', () => {
    const cursor = { time: new Date('2024-05-01T10:00:00.123Z'), id: 42 };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });
});

describe('filterSql', () => {
  it('is TRUE without filters', () => {
    expect(filterSql({}, [])).toBe('TRUE');
  });

  it('passes every user value as a parameter and escapes LIKE wildcards', () => {
    const params: unknown[] = [];
    const sql = filterSql(toFilter(parseParams(auditPageSchema, { principal: "o'brien", module: 'x_y%', action: 'goproxy', ip: '10.1.2.3' })), params);
    expect(sql).toBe('principal_name = $1 AND module LIKE $2 AND action LIKE ANY($3::text[]) AND ip = $4');
    expect(params).toEqual(["o'brien", 'x\\_y\\%%', ['goproxy.%'], '10.1.2.3']);
  });

  it('inlines validated status ranges', () => {
    expect(filterSql({ status: [[403, 403], [500, 599]] }, [])).toBe('(status = 403 OR status BETWEEN 500 AND 599)');
  });
});
