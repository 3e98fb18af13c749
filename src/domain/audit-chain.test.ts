import { describe, expect, it } from 'vitest';
import {
  type AuditEntry,
  canonicalJson,
  GENESIS_HASH,
  hashEntry,
  nextEntry,
  verifyChain,
} from './audit-chain.ts';

const actor = { kind: 'user' as const, id: 'memory:u1', name: '周明远' };

function chain(n: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (let i = 0; i < n; i++) {
    entries.push(
      nextEntry(entries.at(-1), `2026-11-23T0${i}:00:00.000Z`, {
        actor,
        action: 'member.bind',
        subject: `person:${i}`,
        outcome: 'ok',
        details: { role: 'liaison', n: i },
      }),
    );
  }
  return entries;
}

describe('canonical JSON', () => {
  it('sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: null }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":null,"z":1}]},"b":1}',
    );
  });

  it('gives the same hash whatever the key order', () => {
    const [e] = chain(1);
    const reordered = JSON.parse(JSON.stringify({ hash: e!.hash, ...e, details: { n: 0, role: 'liaison' } }));
    const { hash: _, ...unhashed } = reordered;
    expect(hashEntry(unhashed)).toBe(e!.hash);
  });
});

describe('the audit chain', () => {
  it('links each entry to the previous one from the genesis hash', () => {
    const entries = chain(3);
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(entries[0]!.prevHash).toBe(GENESIS_HASH);
    expect(entries[2]!.prevHash).toBe(entries[1]!.hash);
    expect(verifyChain(entries)).toMatchObject({
      ok: true,
      count: 3,
      head: { seq: 3, hash: entries[2]!.hash },
    });
  });

  it('names a changed entry', () => {
    const entries = chain(5);
    entries[2] = { ...entries[2]!, details: { role: 'office', n: 2 } };
    expect(verifyChain(entries).problem).toEqual({ kind: 'changed', seq: 3 });
  });

  it('names a removed entry', () => {
    const entries = chain(5);
    entries.splice(1, 1);
    expect(verifyChain(entries).problem).toEqual({ kind: 'missing', seq: 2 });
  });

  it('names the first of two swapped entries, whether or not their numbers were swapped too', () => {
    const entries = chain(5);
    const contentsSwapped = [...entries];
    contentsSwapped[1] = { ...entries[2]!, seq: 2 };
    contentsSwapped[2] = { ...entries[1]!, seq: 3 };
    expect(verifyChain(contentsSwapped).problem).toEqual({ kind: 'changed', seq: 2 });
    const reordered = [entries[0]!, entries[2]!, entries[1]!, entries[3]!];
    expect(verifyChain(reordered).problem).toEqual({ kind: 'missing', seq: 2 });
  });

  it('catches an entry re-hashed to hide a change, at the next link', () => {
    const entries = chain(4);
    const { hash: _, ...forged } = { ...entries[1]!, details: { role: 'office', n: 1 } };
    entries[1] = { ...forged, hash: hashEntry(forged) };
    expect(verifyChain(entries).problem).toEqual({ kind: 'unlinked', seq: 3 });
  });

  it('catches a rewrite of the whole chain through a published head', () => {
    const original = chain(3);
    const rewritten = chain(2);
    expect(verifyChain(rewritten).ok).toBe(true);
    expect(verifyChain(rewritten, [original[2]!.hash]).problem).toEqual({
      kind: 'head-not-found',
      head: original[2]!.hash,
    });
    expect(verifyChain(original, [original[1]!.hash]).ok).toBe(true);
  });
});
