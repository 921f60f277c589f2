import { Injectable } from '@nestjs/common';
import { canonicalEvent, chainHash, GENESIS_HASH, type AuditEvent } from './audit-event.js';
import { AuditEventRepository } from './audit-event.repository.js';

/** The first broken link of the chain. */
export interface BrokenLink {
  /** Row id of the offending event (null when the break is a missing tail). */
  id: number | null;
  seq: number;
  reason: string;
}

/** Result of a verification walk. */
export interface VerifyReport {
  ok: boolean;
  /** Events whose hashes were recomputed. */
  checked: number;
  /** The walk started after this seq (0, or the last archived checkpoint). */
  fromSeq: number;
  /** The chain head the walk ended at: anchor these two values elsewhere to detect a rewrite. */
  headSeq: number;
  headHash: string;
  /** Set when the walk started from an archive checkpoint. */
  checkpoint: { lastSeq: number; lastHash: string; archiveKey: string } | null;
  broken: BrokenLink | null;
  durationMs: number;
}

const BATCH = 5000;

/**
 * Walks the chain in seq order from the genesis (or the last archive checkpoint) to the head,
 * recomputing every hash: an edited row (content or hash), a deleted row (a gap or a missing tail)
 * and a row inserted out of band (a seq beyond the head, or a link that does not follow) are each
 * reported as the first broken link.
 */
@Injectable()
export class AuditVerifyService {
  constructor(private readonly repository: AuditEventRepository) {}

  async verify(): Promise<VerifyReport> {
    const started = Date.now();
    const checkpoint = await this.repository.latestCheckpoint();
    const head = await this.repository.head();
    const fromSeq = checkpoint?.lastSeq ?? 0;
    let expectedSeq = fromSeq + 1;
    let prev = checkpoint?.lastHash ?? GENESIS_HASH;
    let checked = 0;
    const report = (broken: BrokenLink | null): VerifyReport => ({
      ok: broken === null,
      checked,
      fromSeq,
      headSeq: head.seq,
      headHash: head.hash,
      checkpoint: checkpoint ? { lastSeq: checkpoint.lastSeq, lastHash: checkpoint.lastHash, archiveKey: checkpoint.archiveKey } : null,
      broken,
      durationMs: Date.now() - started,
    });

    let after = fromSeq;
    while (after < head.seq) {
      const events = await this.repository.chainSlice(after, head.seq, BATCH);
      if (events.length === 0) break;
      for (const event of events) {
        const broken = checkLink(event, expectedSeq, prev);
        if (broken) return report(broken);
        prev = event.hash;
        expectedSeq++;
        checked++;
      }
      after = events[events.length - 1]!.seq;
    }
    if (expectedSeq - 1 !== head.seq || prev !== head.hash) {
      return report({ id: null, seq: expectedSeq, reason: `events ${expectedSeq} to ${head.seq} are missing: the chain ends before its head (deleted)` });
    }
    const beyond = await this.repository.firstBeyondHead();
    if (beyond) return report({ id: beyond.id, seq: beyond.seq, reason: `event seq ${beyond.seq} lies beyond the chain head ${head.seq} (inserted out of band)` });
    return report(null);
  }
}

/** Why `event` does not follow a chain expecting `expectedSeq` after `prevHash`, or null. */
export function checkLink(event: AuditEvent, expectedSeq: number, prevHash: string): BrokenLink | null {
  if (event.seq !== expectedSeq) {
    const reason =
      event.seq > expectedSeq
        ? `seq ${expectedSeq}${event.seq - 1 > expectedSeq ? ` to ${event.seq - 1}` : ''} missing before this event (deleted)`
        : `seq ${event.seq} out of order, expected ${expectedSeq} (inserted out of band)`;
    return { id: event.id, seq: event.seq, reason };
  }
  if (event.prevHash !== prevHash) {
    return { id: event.id, seq: event.seq, reason: `prev_hash does not match the hash of seq ${expectedSeq - 1} (row inserted, replaced or re-linked out of band)` };
  }
  if (chainHash(prevHash, canonicalEvent(event)) !== event.hash) {
    return { id: event.id, seq: event.seq, reason: 'content does not match its hash (edited)' };
  }
  return null;
}
