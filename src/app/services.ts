// What every handler receives: the store and the clock and logger, plus the platform's name (chat accounts
// are per platform). Use cases are plain functions in src/app that take these.
import { localDate } from '../domain/local-date.ts';
import type { BeaconVerifier, Clock, FileFetcher, Logger, Store, TableReader, TableWriter } from './ports.ts';

export interface Services {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** The chat platform this instance serves (`local`, `lark`, or `memory` in tests). */
  platform: string;
  /** The workspace's time zone (TZ): whose calendar days dates are. */
  timeZone: string;
  /** Files sent in the chat, where the platform offers them. */
  files?: FileFetcher;
  /** Reads spreadsheets (for imports from the chat). */
  tables?: TableReader;
  /** Writes spreadsheets (exports sent in the chat). */
  sheets?: TableWriter;
  /** Checks public randomness beacons (drand) named in draw notices. */
  beacons?: BeaconVerifier;
}

/** Today in the workspace's time zone (`YYYY-MM-DD`): the day deadlines count from. */
export const today = (services: Pick<Services, 'clock' | 'timeZone'>) =>
  localDate(services.clock.now(), services.timeZone);

/**
 * A sweep over items, each in its own transaction: counts the items `step` acted on (returned true); one that fails
 * is logged with `fields` and does not hold up the others.
 */
export async function sweepEach<T>(
  services: Pick<Services, 'store' | 'logger'>,
  items: readonly T[],
  failure: string,
  fields: (item: T) => Record<string, unknown>,
  step: (tx: Parameters<Parameters<Store['transaction']>[0]>[0], item: T) => Promise<boolean>,
): Promise<number> {
  let acted = 0;
  for (const item of items) {
    try {
      if (await services.store.transaction((tx) => step(tx, item))) acted++;
    } catch (error) {
      services.logger.error(failure, { ...fields(item), error: String(error) });
    }
  }
  return acted;
}
