import * as zlib from 'node:zlib';

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** CRC-32 (IEEE, as in zip) of `data` in plain JS, continuing from `crc` (0 to start). */
export function crc32Js(data: Uint8Array, crc = 0): number {
  const t = crcTable();
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

type NativeCrc32 = (data: Uint8Array, value?: number) => number;

// zlib.crc32 exists from Node 20.15 / 22.2 only.
const native = (zlib as unknown as { crc32?: NativeCrc32 }).crc32;

/** CRC-32 (IEEE) of `data`, continuing from `crc` (0 to start); native when the runtime has it. */
export function crc32(data: Uint8Array, crc = 0): number {
  return typeof native === 'function' ? native(data, crc) >>> 0 : crc32Js(data, crc);
}
