// Lark benchmarks, all on 127.0.0.1 against the fake Lark server:
// (a) webhook: signed, encrypted message events (one in ten a repeated push) sent at a fixed rate to the real
//     webhook, and the same requests to a bare hono route that only answers 200, in the same run: throughput
//     and acknowledgement latency (p50/p99). Target: p99 < 50 ms at 200 events/s on PostgreSQL.
// (b) outbound: 1,000 messages to 50 chats through the Lark platform while the fake enforces Lark's limits.
//     Target: no limit errors, total time within 10% of the floor the limits allow (1,000 / 50 per s = 20 s).
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createOutboxSender } from '../src/app/outbox-sender.ts';
import type { Logger } from '../src/app/ports.ts';
import { parseConfig } from '../src/config.ts';
import { buildApp } from '../src/main.ts';
import { createLarkPlatform } from '../src/platform/lark/lark-platform.ts';
import type { OpenedDb } from '../src/store/db.ts';
import { createStore } from '../src/store/store.ts';
import { startFakeLark } from '../test/support/fake-lark.ts';
import { BOT_OPEN_ID, ENCRYPT_KEY, messageEvent, signedRequest } from '../test/support/lark-events.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const RATE = 200;
const SECONDS = 5;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

type Request = { body: string; headers: Record<string, string> };

function makeRequests(n: number): Request[] {
  const requests: Request[] = [];
  for (let i = 0; i < n; i++) {
    // Every tenth push repeats an earlier event, as Lark's retries do.
    const event =
      i % 10 === 9 && requests.length > 0
        ? undefined
        : messageEvent({ text: '/whoami', from: `ou_user${i % 40}` });
    requests.push(event ? signedRequest(event) : requests[i - 5]!);
  }
  return requests;
}

/** Sends the requests at a fixed rate (open loop) and measures each acknowledgement. */
async function openLoop(url: string, requests: Request[], rate: number) {
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  await Promise.all(
    requests.map(async (r, i) => {
      const due = start + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((res) => setTimeout(res, wait));
      const t = performance.now();
      const res = await fetch(url, { method: 'POST', body: r.body, headers: r.headers });
      await res.arrayBuffer();
      if (res.status !== 200) errors++;
      latencies.push(performance.now() - t);
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: requests.length,
    errors,
    throughputPerSecond: requests.length / elapsed,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.at(-1)!,
  };
}

function listen(fetchHandler: (req: Request & globalThis.Request) => Response | Promise<Response>) {
  return new Promise<{ url: string; close(): Promise<void> }>((resolve) => {
    const server = serve({ fetch: fetchHandler as never, hostname: '127.0.0.1', port: 0 }, (info) =>
      resolve({
        url: `http://127.0.0.1:${info.port}/webhook/lark`,
        close: () => new Promise<void>((r) => server.close(() => r())),
      }),
    );
  });
}

export async function webhookBench(opened: OpenedDb) {
  const fake = await startFakeLark({ botOpenId: BOT_OPEN_ID });
  const config = parseConfig({
    LARK_APP_ID: 'cli_a1b2c3d4e5f6a7b8',
    LARK_APP_SECRET: 'secret',
    LARK_ENCRYPT_KEY: ENCRYPT_KEY,
    LARK_DOMAIN: fake.url,
  });
  const built = await buildApp(config, opened, { logger: silent });
  await built.start();
  const bare = new Hono();
  bare.post('/webhook/lark', (c) => c.json({}));
  const bareServer = await listen(bare.fetch as never);
  const appServer = await listen(built.app.fetch as never);
  const timer = setInterval(() => void built.flush(), 500);
  try {
    const warm = makeRequests(100);
    await openLoop(bareServer.url, warm, RATE);
    await openLoop(appServer.url, warm, RATE);
    const requests = makeRequests(RATE * SECONDS);
    const baseline = await openLoop(bareServer.url, requests, RATE);
    const webhook = await openLoop(appServer.url, makeRequests(RATE * SECONDS), RATE);
    await built.receiver!.idle();
    return { rate: RATE, seconds: SECONDS, baseline, webhook, p99Ratio: webhook.p99Ms / baseline.p99Ms };
  } finally {
    clearInterval(timer);
    await built.stop();
    await appServer.close();
    await bareServer.close();
    await fake.close();
  }
}

export async function outboundBench(opened: OpenedDb) {
  const fake = await startFakeLark({ enforceLimits: true });
  const store = createStore(opened.db);
  const platform = createLarkPlatform({
    appId: 'cli_a1b2c3d4e5f6a7b8',
    appSecret: 's',
    domain: fake.url,
    logger: silent,
  });
  const sender = createOutboxSender({ store, platform, clock: { now: () => new Date() }, logger: silent });
  const total = 1000;
  const chats = 50;
  for (let i = 0; i < total; i++) {
    await store.outbox.enqueue(
      'lark',
      { op: 'send', message: { to: { chatId: `oc_${i % chats}` }, text: `提醒 ${i}` } },
      `bench-${i}`,
    );
  }
  await platform.botInfo(); // fetch the token before the clock starts
  const start = performance.now();
  while ((await store.outboxSender.pendingCount('lark')) > 0) await sender.drain();
  const seconds = (performance.now() - start) / 1000;
  await fake.close();
  const floor = total / 50;
  return {
    messages: total,
    chats,
    delivered: fake.messages.length,
    limitErrors: fake.limitViolations,
    seconds,
    floorSeconds: floor,
    overFloor: seconds / floor - 1,
  };
}
