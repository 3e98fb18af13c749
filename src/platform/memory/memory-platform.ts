// A platform that records every outbound message instead of sending it: the stand-in for a chat service
// in tests and benchmarks. Like Lark, a repeated idempotency key returns the first message, not a second.

import type { OutboundMessage, Platform } from '../../app/ports.ts';
import type { Card } from '../../cards/card.ts';

export interface SentMessage extends OutboundMessage {
  messageId: string;
  idempotencyKey: string;
  /** The card as last updated. */
  card?: Card;
  updates: number;
}

export function createMemoryPlatform(name = 'memory', options: { cardUpdateWindowMs?: number } = {}) {
  const sent: SentMessage[] = [];
  const byKey = new Map<string, SentMessage>();
  let failNext = 0;
  const platform: Platform & { sent: SentMessage[]; failNextSends(n: number): void } = {
    name,
    ...(options.cardUpdateWindowMs ? { cardUpdateWindowMs: options.cardUpdateWindowMs } : {}),
    sent,
    failNextSends(n) {
      failNext = n;
    },
    async send(message, idempotencyKey) {
      if (failNext > 0) {
        failNext--;
        throw new Error('simulated platform outage');
      }
      const known = byKey.get(idempotencyKey);
      if (known) return { messageId: known.messageId };
      const record: SentMessage = {
        ...message,
        messageId: `mem_${sent.length + 1}`,
        idempotencyKey,
        updates: 0,
      };
      sent.push(record);
      byKey.set(idempotencyKey, record);
      return { messageId: record.messageId };
    },
    async updateCard(messageId, card) {
      const record = sent.find((m) => m.messageId === messageId);
      if (!record) throw new Error(`unknown message ${messageId}`);
      record.card = card;
      record.updates++;
    },
  };
  return platform;
}

export type MemoryPlatform = ReturnType<typeof createMemoryPlatform>;
