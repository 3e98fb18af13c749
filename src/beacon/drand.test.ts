// Beacon values are checked against the chain's public key with no network (product.md §4.3).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ROUND_38, WALKTHROUGH } from '../../test/support/beacon-vectors.ts';
import { drandBeacons } from './drand.ts';

const randomness = (sig: string) => createHash('sha256').update(Buffer.from(sig, 'hex')).digest('hex');

describe('drand beacons', () => {
  const beacons = drandBeacons({ walkthrough: WALKTHROUGH });

  it('accepts a round’s published signature and nothing else', async () => {
    expect(randomness(ROUND_38)).toBe('b2fc21325a24904a6a9e81a6c63f65f6cec3f0b2400df3f4a56b214770e9ccca');
    expect(await beacons.verify('walkthrough', 38, ROUND_38, randomness(ROUND_38))).toBe(true);
    expect(await beacons.verify('walkthrough', 39, ROUND_38, randomness(ROUND_38))).toBe(false);
    const forged = `${ROUND_38.slice(0, -2)}27`;
    expect(await beacons.verify('walkthrough', 38, forged, randomness(forged))).toBe(false);
    expect(await beacons.verify('walkthrough', 38, 'not hex', randomness(ROUND_38))).toBe(false);
  });

  it('names the first round produced after a time, and when it is produced', () => {
    const at = new Date((WALKTHROUGH.genesis_time + 3 * 37 + 1) * 1000);
    expect(beacons.roundAfter('walkthrough', at)).toBe(39);
    expect(beacons.roundTime('walkthrough', 39).getTime()).toBe((WALKTHROUGH.genesis_time + 3 * 38) * 1000);
    expect(drandBeacons().chains).toEqual(['quicknet']);
  });
});
