// Drains the outbox into a platform. A row is claimed by one sender only; a send that fails is retried with
// back-off and the same idempotency key, and after the last attempt it is marked failed for the office.
import type { Clock, Logger, Platform, Store } from './ports.ts';

export interface OutboxSenderOptions {
  store: Store;
  platform: Platform;
  clock: Clock;
  logger: Logger;
  maxAttempts?: number;
  batchSize?: number;
}

export function createOutboxSender(options: OutboxSenderOptions) {
  const { store, platform, clock, logger } = options;
  const maxAttempts = options.maxAttempts ?? 8;
  const batchSize = options.batchSize ?? 50;
  let running: Promise<number> | undefined;
  let again = false;

  async function drainOnce(): Promise<number> {
    let sent = 0;
    for (;;) {
      const rows = await store.outboxSender.claim(platform.name, batchSize, clock.now());
      if (rows.length === 0) return sent;
      for (const row of rows) {
        try {
          if (row.payload.op === 'send') {
            const { messageId } = await platform.send(row.payload.message, row.idempotencyKey);
            await store.outboxSender.markSent(row.id, messageId, clock.now());
          } else {
            await platform.updateCard(row.payload.messageId, row.payload.card, row.idempotencyKey);
            await store.outboxSender.markSent(row.id, row.payload.messageId, clock.now());
          }
          sent++;
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          if (row.attempts >= maxAttempts) {
            logger.error('outbox message failed for good', {
              id: row.id,
              attempts: row.attempts,
              error: message,
            });
            await store.outboxSender.markFailed(row.id, message);
          } else {
            const delay = Math.min(60_000, 500 * 2 ** row.attempts) * (0.5 + Math.random() / 2);
            logger.warn('outbox send failed; will retry', {
              id: row.id,
              attempts: row.attempts,
              error: message,
            });
            await store.outboxSender.markRetry(row.id, message, new Date(clock.now().getTime() + delay));
          }
        }
      }
    }
  }

  /** Drains until nothing is due; concurrent calls share one run (and trigger one more pass). */
  function drain(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      do {
        again = false;
        total += await drainOnce();
      } while (again);
      return total;
    })().finally(() => {
      running = undefined;
    });
    return running;
  }

  return { drain };
}

export type OutboxSender = ReturnType<typeof createOutboxSender>;
