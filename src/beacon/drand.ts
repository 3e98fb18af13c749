// Public randomness beacons (product.md §4.3): a drand round named in a draw's notice before it exists, its value
// entered by the office once published and checked here against the chain's public key — BLS signature
// verification by drand-client, with no network: the client it verifies through serves only the value given.
import { type ChainClient, type ChainInfo, fetchBeacon, roundAt, roundTime } from 'drand-client';
import type { BeaconVerifier } from '../app/ports.ts';

/**
 * The League of Entropy's quicknet chain (3-second rounds, unchained, BLS on G1, RFC 9380): its published
 * parameters, as its `/info` endpoint states them.
 */
const QUICKNET: ChainInfo = {
  public_key:
    '83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a',
  period: 3,
  genesis_time: 1692803367,
  hash: '52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971',
  groupHash: 'f477d5c89f21a17c863a7f937c6a6d15859414d2be09cd448d4279af331c5d3e',
  schemeID: 'bls-unchained-g1-rfc9380',
  metadata: { beaconID: 'quicknet' },
};

/** A chain client that knows one beacon: the value the office entered. Nothing is fetched. */
function given(info: ChainInfo, round: number, signature: string, randomness: string): ChainClient {
  const beacon = { round, signature, randomness };
  return {
    options: { disableBeaconVerification: false, noCache: true },
    latest: async () => beacon,
    get: async () => beacon,
    chain: () => ({ baseUrl: 'entered-by-hand', info: async () => info }),
  };
}

/** The verifier over the given chains (quicknet by default; tests may add a chain with published test vectors). */
export function drandBeacons(chains: Record<string, ChainInfo> = { quicknet: QUICKNET }): BeaconVerifier {
  const chainOf = (name: string) => {
    const info = chains[name];
    if (!info) throw new Error(`unknown beacon chain ${name}`);
    return info;
  };
  return {
    chains: Object.keys(chains),
    roundAfter: (chain, at) => roundAt(at.getTime(), chainOf(chain)) + 1,
    roundTime: (chain, round) => new Date(roundTime(chainOf(chain), round)),
    async verify(chain, round, signature, randomness) {
      if (!/^[0-9a-f]+$/.test(signature) || !/^[0-9a-f]{64}$/.test(randomness)) return false;
      try {
        await fetchBeacon(given(chainOf(chain), round, signature, randomness), round);
        return true;
      } catch {
        return false;
      }
    },
  };
}
