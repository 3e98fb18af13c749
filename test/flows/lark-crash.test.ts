// Acceptance: with Lark rate-limiting, a backlog of queued messages survives `kill -9`: after a restart every
// message arrives exactly once, and every retry of a message carried the same uuid.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeLark, startFakeLark } from '../support/fake-lark.ts';
import { BOT_OPEN_ID, ENCRYPT_KEY, messageEvent, signedRequest } from '../support/lark-events.ts';
import { serverData, startServerProcess } from '../support/server-process.ts';

let fake: FakeLark;
let data: Awaited<ReturnType<typeof serverData>>;

beforeAll(async () => {
  fake = await startFakeLark({ botOpenId: BOT_OPEN_ID });
  data = await serverData();
});
afterAll(async () => {
  await fake?.close();
  await data?.dispose();
});

describe('a crash with a backlog', () => {
  it('delivers every queued message exactly once after kill -9, each with one uuid', async () => {
    const env = {
      ...data.env,
      LARK_APP_ID: 'cli_a1b2c3d4e5f6a7b8',
      LARK_APP_SECRET: 'secret',
      LARK_ENCRYPT_KEY: ENCRYPT_KEY,
      LARK_DOMAIN: fake.url,
    };
    const entry = 'test/support/lark-server.ts';
    let server = await startServerProcess(env, undefined, entry);
    // Lark throttles the first sends: the answers queue up in the outbox.
    fake.fail(...Array.from({ length: 12 }, () => 'rate-limit' as const));
    const events = Array.from({ length: 15 }, (_, i) =>
      messageEvent({ text: '/whoami', from: `ou_user${i}` }),
    );
    for (const event of events) {
      const { body, headers } = signedRequest(event);
      const res = await fetch(`${server.url}/webhook/lark`, { method: 'POST', body, headers });
      expect(res.status).toBe(200);
    }
    await new Promise((r) => setTimeout(r, 300));
    const deliveredBeforeCrash = fake.messages.length;
    await server.kill();
    expect(deliveredBeforeCrash).toBeLessThan(events.length);

    server = await startServerProcess(env, server.port, entry);
    for (let i = 0; i < 150 && fake.messages.length < events.length; i++)
      await new Promise((r) => setTimeout(r, 200));
    await server.stop();

    const repliedTo = fake.messages.map((m) => m.replyTo).sort();
    expect(repliedTo).toEqual(events.map((e) => e.event.message.message_id).sort());
    const uuidsPerMessage = new Map<string, Set<string | undefined>>();
    for (const a of fake.attempts) {
      const set = uuidsPerMessage.get(a.path) ?? new Set();
      set.add(a.uuid);
      uuidsPerMessage.set(a.path, set);
    }
    for (const [path, uuids] of uuidsPerMessage) expect([path, uuids.size]).toEqual([path, 1]);
  }, 60_000);
});
