// Drains the outbox into a platform. A row is claimed by one sender only; a send that fails is retried with
// back-off and jitter (or after the platform's own reset time) and always the same idempotency key, only
// while the platform still remembers that key; then it is marked failed, or "delivery unknown" when an
// attempt may have arrived. A card the platform rejects is sent again as text.
import { md, note } from '../cards/card.ts';
import { cardToText } from '../cards/card-text.ts';
import {
  type Clock,
  DeliveryError,
  type Logger,
  type OutboxRow,
  type Platform,
  type Store,
} from './ports.ts';

const NOTICE_SUFFIX = '#undelivered';

/** Lark remembers a message `uuid` for one hour; retries stop a little before that. */
export const IDEMPOTENCY_WINDOW_MS = 55 * 60_000;

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

  async function isPastUpdateWindow(messageId: string): Promise<boolean> {
    if (platform.cardUpdateWindowMs === undefined) return false;
    const original = await store.outboxSender.findSent(messageId);
    // An hour's margin: the update may wait in the queue a little.
    return (
      original !== undefined &&
      clock.now().getTime() - original.sentAt.getTime() > platform.cardUpdateWindowMs - 3_600_000
    );
  }

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
            const messageId =
              row.payload.messageId ??
              (row.payload.messageKey
                ? await store.outboxSender.messageIdForKey(row.payload.messageKey)
                : undefined);
            if (!messageId && row.attempts > 30) {
              await store.outboxSender.markFailed(row.id, 'the card it updates was never sent', 'failed');
              continue;
            }
            if (!messageId) {
              // The card this updates has not gone out yet (it is earlier in the queue): try again shortly.
              await store.outboxSender.markRetry(
                row.id,
                'waiting for the card to be sent',
                new Date(clock.now().getTime() + 1_000),
              );
              continue;
            }
            if (await isPastUpdateWindow(messageId)) {
              // Too old to update in place (Lark: 14 days): the new state goes out as a fresh card instead.
              const original = (await store.outboxSender.findSent(messageId))!;
              const fresh = { op: 'send' as const, message: { to: original.to, card: row.payload.card } };
              await store.outboxSender.replacePayload(row.id, fresh, clock.now());
              continue;
            }
            await platform.updateCard(
              messageId,
              row.payload.card,
              row.idempotencyKey,
              row.payload.updateToken,
            );
            await store.outboxSender.markSent(row.id, messageId, clock.now());
          }
          sent++;
        } catch (error) {
          await handleFailure(row, error);
        }
      }
    }
  }

  async function handleFailure(row: OutboxRow, error: unknown) {
    const failure =
      error instanceof DeliveryError
        ? error
        : new DeliveryError(error instanceof Error ? error.message : String(error), 'retry', {
            maybeSent: true,
          });
    const now = clock.now();
    if (failure.kind === 'card-rejected' && row.payload.op === 'send' && row.payload.message.card) {
      logger.warn('card rejected; sending it as text', { id: row.id, error: failure.message });
      const { card, ...message } = row.payload.message;
      await store.outboxSender.replacePayload(
        row.id,
        { op: 'send', message: { ...message, text: cardToText(card) } },
        now,
      );
      return;
    }
    if (failure.kind !== 'retry') {
      logger.error('outbox message refused by the platform', { id: row.id, error: failure.message });
      await store.outboxSender.markFailed(row.id, failure.message, 'failed');
      await tellOffice(row, 'failed', failure.message);
      return;
    }
    const backoff = Math.min(60_000, 500 * 2 ** row.attempts) * (0.5 + Math.random() / 2);
    const delay = Math.max(failure.options.retryAfterMs ?? 0, backoff);
    const outOfWindow = now.getTime() + delay - row.createdAt.getTime() > IDEMPOTENCY_WINDOW_MS;
    if (row.attempts >= maxAttempts || outOfWindow) {
      const status = failure.options.maybeSent ? 'unknown' : 'failed';
      logger.error('outbox message not delivered', {
        id: row.id,
        attempts: row.attempts,
        status,
        error: failure.message,
      });
      await store.outboxSender.markFailed(row.id, failure.message, status);
      await tellOffice(row, status, failure.message);
      return;
    }
    logger.warn('outbox send failed; will retry', {
      id: row.id,
      attempts: row.attempts,
      delay,
      error: failure.message,
    });
    await store.outboxSender.markRetry(row.id, failure.message, new Date(now.getTime() + delay));
  }

  /** Office staff hear of every message that did not arrive (but not of failed notices, to avoid a loop). */
  async function tellOffice(row: OutboxRow, status: 'failed' | 'unknown', reason: string) {
    if (row.idempotencyKey.endsWith(NOTICE_SUFFIX)) return;
    const to = row.payload.op === 'send' ? row.payload.message.to : undefined;
    const where = to ? ('chatId' in to ? `会话 ${to.chatId}` : `用户 ${to.userId}`) : '卡片更新';
    const office = (await store.people.listWithRole('office')).filter(
      (p) => p.chatPlatform === platform.name,
    );
    for (const person of office) {
      await store.outbox.enqueue(
        platform.name,
        {
          op: 'send',
          message: {
            to: { userId: person.chatUserId! },
            card: {
              header: { title: status === 'failed' ? '消息发送失败' : '消息送达情况不明', color: 'red' },
              elements: [
                md(
                  `发往${where}的一条消息${status === 'failed' ? '未能送达' : '可能未送达'}（发件箱编号 ${row.id}）。`,
                ),
                note(
                  `原因：${reason.slice(0, 200)}。在服务器上运行 jointcheck outbox list 查看全部未送达的消息。`,
                ),
              ],
            },
          },
        },
        `o${row.id}:${person.id}${NOTICE_SUFFIX}`,
      );
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
