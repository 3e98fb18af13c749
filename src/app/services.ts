// What every handler receives: the store and the clock and logger, plus the platform's name (chat accounts
// are per platform). Use cases are plain functions in src/app that take these.
import type { Clock, Logger, Store } from './ports.ts';

export interface Services {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** The chat platform this instance serves (`local`, `lark`, or `memory` in tests). */
  platform: string;
}
