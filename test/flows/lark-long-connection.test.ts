// A smoke test of LARK_MODE=ws: the SDK's WSClient connects to a fake gateway, receives a message event and a
// card callback as protobuf frames, and the answers travel back (the reply via the API, the toast in the ACK).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/app/demo.ts';
import { parseConfig } from '../../src/config.ts';
import { type BuiltApp, buildApp } from '../../src/main.ts';
import { createStore } from '../../src/store/store.ts';
import { type FakeLark, startFakeLark } from '../support/fake-lark.ts';
import { captureLogger } from '../support/harness.ts';
import { BOT_OPEN_ID, cardActionEvent, messageEvent } from '../support/lark-events.ts';
import { freshDb, type TestDb } from '../support/test-db.ts';

let fake: FakeLark;
let db: TestDb;
let built: BuiltApp;

beforeAll(async () => {
  fake = await startFakeLark({ botOpenId: BOT_OPEN_ID });
  db = await freshDb();
  await seedDemo(createStore(db.db), 'lark', { kind: 'system', id: 'test' });
  const config = parseConfig({
    LARK_APP_ID: 'cli_a1b2c3d4e5f6a7b8',
    LARK_APP_SECRET: 'secret',
    LARK_MODE: 'ws',
    LARK_DOMAIN: fake.url,
  });
  built = await buildApp(config, db, { logger: captureLogger().logger, retryMs: 20 });
  await built.start();
  for (let i = 0; i < 100 && !fake.connected; i++) await new Promise((r) => setTimeout(r, 50));
});
afterAll(async () => {
  await built?.stop();
  await db?.close();
  await fake?.close();
});

describe('the Lark long connection', () => {
  it('connects and reports ready', async () => {
    expect(fake.connected).toBe(true);
    for (let i = 0; i < 50; i++) {
      if ((await built.app.request('/readyz')).status === 200) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await (await built.app.request('/readyz')).json()).toEqual({ ready: true });
  });

  it('handles a message pushed over it, and answers a card click in the ACK frame', async () => {
    const ack = (await fake.pushOverLongConnection(
      messageEvent({ text: '/help', from: 'zhou.mingyuan' }),
    )) as { code: number };
    expect(ack.code).toBe(200);
    await built.receiver!.idle();
    await built.flush();
    expect(fake.messages).toHaveLength(1);
    const click = (await fake.pushOverLongConnection(
      cardActionEvent({
        operator: 'zhou.mingyuan',
        messageId: fake.messages[0]!.messageId,
        chatId: 'oc_p2p',
        value: { cmd: 'help', action: 'show', command: 'whoami' },
      }),
    )) as { code: number; body: { card?: { type: string } } };
    expect(click.code).toBe(200);
    expect(click.body.card?.type).toBe('raw');
  });
});
