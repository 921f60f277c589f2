import { createWriteStream } from 'node:fs';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { UpstreamFailedError } from './upstream.errors.js';

/** A GET that resolved with a status; the body is still unread (call one of the readers). */
export interface FetchedResponse {
  status: number;
  url: string;
  /** Reads the body as bytes, failing when it exceeds `maxBytes`. */
  bytes(maxBytes: number): Promise<Buffer>;
  /** Streams the body into `file`, failing when it exceeds `maxBytes`; resolves with the byte count. */
  toFile(file: string, maxBytes: number): Promise<number>;
  /** Releases an unread body. */
  discard(): Promise<void>;
}

/** GET with a deadline for the headers and a stall deadline between body chunks. */
export async function httpGet(url: string, timeoutMs: number): Promise<FetchedResponse> {
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, { signal: controller.signal, redirect: 'follow', headers: { 'user-agent': 'modgate' } });
  } catch (err) {
    clearTimeout(timer);
    throw new UpstreamFailedError(`${redact(url)}: ${describe(err)}`);
  }
  const rearm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error(`body stalled for ${timeoutMs} ms`)), timeoutMs);
  };
  const body = () => {
    if (!response.body) return Readable.from([]);
    return Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>);
  };
  const limited = (maxBytes: number) => {
    let seen = 0;
    return new Transform({
      transform(chunk: Buffer, _enc, done) {
        rearm();
        seen += chunk.length;
        if (seen > maxBytes) done(new UpstreamFailedError(`${redact(url)}: body larger than ${maxBytes} bytes`));
        else done(null, chunk);
      },
    });
  };
  const guarded = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      if (err instanceof UpstreamFailedError) throw err;
      throw new UpstreamFailedError(`${redact(url)}: ${describe(err)}`);
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    status: response.status,
    url,
    bytes: (maxBytes) =>
      guarded(async () => {
        const chunks: Buffer[] = [];
        const sink = new Writable({
          write(chunk: Buffer, _enc, done) {
            chunks.push(chunk);
            done();
          },
        });
        await pipeline(body(), limited(maxBytes), sink);
        return Buffer.concat(chunks);
      }),
    toFile: (file, maxBytes) =>
      guarded(async () => {
        let size = 0;
        const counter = new Transform({
          transform(chunk: Buffer, _enc, done) {
            size += chunk.length;
            done(null, chunk);
          },
        });
        await pipeline(body(), limited(maxBytes), counter, createWriteStream(file));
        return size;
      }),
    discard: async () => {
      clearTimeout(timer);
      await response.body?.cancel().catch(() => undefined);
    },
  };
}

/** A URL as it may appear in messages: no credentials, no query. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '<invalid url>';
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as Error & { cause?: unknown }).cause;
  if (err.name === 'AbortError' || err.name === 'TimeoutError') return cause instanceof Error ? cause.message : 'timed out';
  if (cause instanceof Error) return cause.message;
  return err.message;
}
