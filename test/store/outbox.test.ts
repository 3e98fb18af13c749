// Nothing lost, nothing twice: the outbox under failures, crashes and two senders.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/app/demo.ts';
import { createOutboxSender } from '../../src/app/outbox-sender.ts';
import type { OutboundMessage, Platform, Store } from '../../src/app/ports.ts';
import { createMemoryPlatform } from '../../src/platform/memory/memory-platform.ts';
import { openDb } from '../../src/store/db.ts';
import { createStore } from '../../src/store/store.ts';
import { withDatabase } from '../support/global-setup.ts';
import { captureLogger } from '../support/harness.ts';
import { freshDb, onPostgres, type TestDb } from '../support/test-db.ts';

let t: TestDb;
let store: Store;
let now: Date;
const clock = { now: () => now };
const message = (n: number): OutboundMessage => ({ to: { chatId: 'oc_1' }, text: `消息 ${n}` });

beforeEach(async () => {
  t = await freshDb();
  now = new Date('2026-11-23T02:00:00Z');
  store = createStore(t.db, clock.now);
});
afterEach(() => t.close());

describe('the outbox', () => {
  it('retries a failed send later with the same key, and sends it once', async () => {
    const platform = createMemoryPlatform();
    const { logger } = captureLogger();
    const sender = createOutboxSender({ store, platform, clock, logger });
    await store.outbox.enqueue('memory', { op: 'send', message: message(1) }, 'k1');
    platform.failNextSends(1);
    expect(await sender.drain()).toBe(0);
    expect(platform.sent).toHaveLength(0);
    expect(await store.outboxSender.pendingCount('memory')).toBe(1);
    now = new Date(now.getTime() + 5 * 60_000);
    expect(await sender.drain()).toBe(1);
    expect(platform.sent.map((m) => m.idempotencyKey)).toEqual(['k1']);
    expect(await store.outboxSender.pendingCount('memory')).toBe(0);
  });

  it('enqueues a key once, however often it is written', async () => {
    await store.outbox.enqueue('memory', { op: 'send', message: message(1) }, 'same');
    await store.outbox.enqueue('memory', { op: 'send', message: message(2) }, 'same');
    expect(await store.outboxSender.pendingCount('memory')).toBe(1);
  });

  it('after a crash between sending and marking, sends again with the same key (so the platform dedupes)', async () => {
    const platform = createMemoryPlatform();
    await store.outbox.enqueue('memory', { op: 'send', message: message(1) }, 'k-crash');
    const [claimed] = await store.outboxSender.claim('memory', 10, now);
    await platform.send((claimed!.payload as { message: OutboundMessage }).message, claimed!.idempotencyKey);
    // The process dies here: the row stays claimed until its lease runs out.
    expect(await store.outboxSender.claim('memory', 10, now)).toEqual([]);
    now = new Date(now.getTime() + 61_000);
    const sender = createOutboxSender({ store, platform, clock, logger: captureLogger().logger });
    await sender.drain();
    expect(platform.sent).toHaveLength(1);
    expect(await store.outboxSender.pendingCount('memory')).toBe(0);
  });

  it('marks a message failed after the last attempt', async () => {
    const platform = createMemoryPlatform();
    const { logger, lines } = captureLogger();
    const sender = createOutboxSender({ store, platform, clock, logger, maxAttempts: 2 });
    await store.outbox.enqueue('memory', { op: 'send', message: message(1) }, 'doomed');
    platform.failNextSends(5);
    await sender.drain();
    now = new Date(now.getTime() + 3_600_000);
    await sender.drain();
    expect(await store.outboxSender.pendingCount('memory')).toBe(0);
    expect(platform.sent).toHaveLength(0);
    expect(lines.some((l) => l.level === 'error' && l.message.includes('not delivered'))).toBe(true);
  });

  it('tells the office about a message that could not be delivered, and lists it for the CLI', async () => {
    await seedDemo(store, 'memory', { kind: 'system', id: 'test' });
    const platform = createMemoryPlatform();
    const sender = createOutboxSender({
      store,
      platform,
      clock,
      logger: captureLogger().logger,
      maxAttempts: 1,
    });
    await store.outbox.enqueue('memory', { op: 'send', message: message(1) }, 'lost');
    platform.failNextSends(1);
    await sender.drain();
    now = new Date(now.getTime() + 60_000);
    await sender.drain();
    const notices = platform.sent.filter((m) => m.card?.header?.title === '消息送达情况不明');
    expect(notices.map((m) => m.to)).toEqual([{ userId: 'zhou.mingyuan' }, { userId: 'chen.jing' }]);
    expect(await store.outboxSender.listUndelivered(10)).toMatchObject([
      { status: 'unknown', platform: 'memory' },
    ]);
  });

  it('updates a card in place within the platform’s window and sends a fresh card after it', async () => {
    const day = 24 * 3_600_000;
    const platform = createMemoryPlatform('memory', { cardUpdateWindowMs: 14 * day });
    const sender = createOutboxSender({ store, platform, clock, logger: captureLogger().logger });
    const card = (title: string) => ({ header: { title }, elements: [] });
    await store.outbox.enqueue(
      'memory',
      { op: 'send', message: { to: { chatId: 'oc_1' }, card: card('v1') } },
      'c1',
    );
    await sender.drain();
    const [first] = platform.sent;
    now = new Date(now.getTime() + day);
    await store.outbox.enqueue(
      'memory',
      { op: 'update', messageId: first!.messageId, card: card('v2') },
      'c2',
    );
    await sender.drain();
    expect(platform.sent).toHaveLength(1);
    expect(first!.card?.header?.title).toBe('v2');
    now = new Date(now.getTime() + 14 * day);
    await store.outbox.enqueue(
      'memory',
      { op: 'update', messageId: first!.messageId, card: card('v3') },
      'c3',
    );
    await sender.drain();
    expect(platform.sent).toHaveLength(2);
    expect(platform.sent[1]).toMatchObject({ to: { chatId: 'oc_1' }, card: { header: { title: 'v3' } } });
  });

  it.runIf(onPostgres)('two senders on one database send every message exactly once', async () => {
    const calls = new Map<string, number>();
    const counting: Platform = {
      name: 'memory',
      async send(_m, key) {
        calls.set(key, (calls.get(key) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 1));
        return { messageId: key };
      },
      async updateCard() {},
    };
    for (let i = 0; i < 200; i++)
      await store.outbox.enqueue('memory', { op: 'send', message: message(i) }, `m${i}`);
    const second = await openDb({ databaseUrl: t.url!, migrate: false });
    try {
      const { logger } = captureLogger();
      const a = createOutboxSender({ store, platform: counting, clock, logger, batchSize: 10 });
      const b = createOutboxSender({
        store: createStore(second.db, clock.now),
        platform: counting,
        clock,
        logger,
        batchSize: 10,
      });
      const [sentA, sentB] = await Promise.all([a.drain(), b.drain()]);
      expect(sentA + sentB).toBe(200);
      expect(sentA).toBeGreaterThan(0);
      expect(sentB).toBeGreaterThan(0);
      expect(calls.size).toBe(200);
      expect([...calls.values()].every((n) => n === 1)).toBe(true);
    } finally {
      await second.close();
    }
  });
});

describe('migrations', () => {
  it.runIf(onPostgres)('two instances starting together on an empty database both come up', async () => {
    const name = `jointcheck_t_${randomBytes(6).toString('hex')}`;
    const admin = postgres(process.env.TEST_DATABASE_URL!, { max: 1, onnotice: () => undefined });
    await admin.unsafe(`CREATE DATABASE ${name}`);
    try {
      const url = withDatabase(process.env.TEST_DATABASE_URL!, name);
      const [a, b] = await Promise.all([openDb({ databaseUrl: url }), openDb({ databaseUrl: url })]);
      await createStore(a.db).audit.append({ actor: { kind: 'cli', id: 'x' }, action: 'up', outcome: 'ok' });
      expect(await createStore(b.db).audit.head()).toMatchObject({ seq: 1 });
      await Promise.all([a.close(), b.close()]);
    } finally {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
