// The composition root: config → database (+ migrations) → platform → dispatcher → HTTP → outbox sender.
// The only module that knows every other one.
import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { commands } from '../commands/index.ts';
import { seedDemo } from './app/demo.ts';
import { createOutboxSender, type OutboxSender } from './app/outbox-sender.ts';
import type { FileFetcher, Logger, Platform } from './app/ports.ts';
import { chaseInspectorDraws, remindReviews } from './app/reminders.ts';
import { type Services, today } from './app/services.ts';
import { escalateOverdue } from './app/tasks.ts';
import { drandBeacons } from './beacon/drand.ts';
import { createDispatcher } from './bot/dispatch.ts';
import { type Config, loadConfig } from './config.ts';
import { bufferTableReader } from './files/read-table.ts';
import { xlsxTableWriter } from './files/write-table.ts';
import { createHttpApp } from './http/server.ts';
import { createLogger } from './logger.ts';
import { createLarkPlatform } from './platform/lark/lark-platform.ts';
import { startLongConnection } from './platform/lark/long-connection.ts';
import type { RateLimits } from './platform/lark/rate-limiter.ts';
import { createLarkReceiver, type LarkReceiver } from './platform/lark/receiver.ts';
import { mountLarkWebhook } from './platform/lark/webhook.ts';
import { createLocalPlatform } from './platform/local/local-platform.ts';
import { LOCAL_PLATFORM, localFileFetcher, mountLocalRoutes } from './platform/local/routes.ts';
import { DataDirLockedError, type OpenedDb, openDb, sql } from './store/db.ts';
import { createLocalChatLog } from './store/local-chat-log.ts';
import { createStore } from './store/store.ts';

/** How often the sender looks for due retries when nothing new arrived. */
const OUTBOX_POLL_MS = 2_000;
/** How often deadlines are checked (acceptance deadlines are whole days; a few minutes late is fine). */
const SWEEP_MS = 5 * 60_000;
/** An event still unfinished after this long lost its process; another instance (or this one) takes it up. */
const DEFAULT_STALE_AFTER_MS = 30_000;

export interface BuiltApp {
  app: Hono;
  platform: Platform;
  sender: OutboxSender;
  /** Lark only: the event receiver (tests wait on `idle()`). */
  receiver?: LarkReceiver;
  /** Drains the outbox now (errors are logged). */
  flush(): Promise<unknown>;
  /** Checks deadlines now (reminders; overdue reviews go to the office; owed inspector draws are chased). */
  sweep(): Promise<void>;
  /** Re-processes events a crashed process left unfinished. */
  recover(): Promise<unknown>;
  /** Background work that needs a start (Lark: learn the bot's identity, open the long connection). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface BuildOptions {
  logger?: Logger;
  larkLimits?: RateLimits;
  /** How long to wait between attempts to reach Lark at start. */
  retryMs?: number;
  /** How long a sender keeps a claimed outbox row before another may retry it. */
  claimLeaseMs?: number;
  /** When an unfinished inbound event counts as abandoned. */
  staleAfterMs?: number;
}

/** Wires everything around an open database; `startServer` adds the HTTP listener. Tests use this directly. */
export async function buildApp(
  config: Config,
  opened: OpenedDb,
  options: BuildOptions = {},
): Promise<BuiltApp> {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const clock = { now: () => new Date() };
  const store = createStore(
    opened.db,
    clock.now,
    options.claimLeaseMs ? { claimLeaseMs: options.claimLeaseMs } : {},
  );
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  const recoverWith = (dispatcher: { recoverStale(olderThan: Date): Promise<number> }) => () =>
    dispatcher
      .recoverStale(new Date(clock.now().getTime() - staleAfterMs))
      .catch((error) => logger.error('inbound recovery failed', { error: String(error) }));
  /** What every platform shares: the services handlers get, the outbox sender, the dispatcher. */
  const wire = (platform: Platform, files: FileFetcher) => {
    const services: Services = {
      store,
      clock,
      logger,
      platform: platform.name,
      timeZone: config.TZ,
      files,
      tables: bufferTableReader,
      sheets: xlsxTableWriter,
      beacons: drandBeacons(),
    };
    const sender = createOutboxSender({ store, platform, clock, logger });
    const flush = () =>
      sender.drain().catch((error) => logger.error('outbox drain failed', { error: String(error) }));
    const dispatcher = createDispatcher({ services, commands, onOutbox: () => void flush() });
    /**
     * Deadline checks: reminders of reviews and inspector draws before their deadlines; overdue reviews go to the
     * office; overdue inspector draws are chased daily and the office told — each message once, also with
     * several instances.
     */
    const sweep = async () => {
      try {
        const escalated = await escalateOverdue(services, today(services));
        const reminded = (await remindReviews(services)) + (await chaseInspectorDraws(services));
        if (escalated + reminded > 0) void flush();
      } catch (error) {
        logger.error('deadline sweep failed', { error: String(error) });
      }
    };
    return { sender, flush, dispatcher, sweep };
  };
  const dbReady = async () => {
    await opened.db.execute(sql`select 1`);
    return true;
  };

  if (config.PLATFORM === 'local') {
    if (
      await seedDemo(store, LOCAL_PLATFORM, { kind: 'system', id: 'local-workspace', name: '本地工作区' })
    ) {
      logger.info('demo data loaded into an empty local workspace');
    }
    const changes = new EventEmitter().setMaxListeners(0);
    const notify = (chatId: string) => changes.emit('chat', chatId);
    const log = createLocalChatLog(opened.db);
    const uploadDir = resolve(config.DATA_DIR, 'uploads');
    const platform = createLocalPlatform(log, notify, uploadDir);
    const { sender, flush, dispatcher, sweep } = wire(platform, localFileFetcher(uploadDir));
    const app = createHttpApp({ logger, isReady: dbReady });
    mountLocalRoutes(app, {
      port: config.PORT,
      store,
      log,
      dispatcher,
      logger,
      flush,
      notify,
      uploadDir,
      subscribe: (listener) => {
        changes.on('chat', listener);
        return () => changes.off('chat', listener);
      },
    });
    return {
      app,
      platform,
      sender,
      flush,
      sweep,
      recover: recoverWith(dispatcher),
      start: async () => {},
      stop: async () => {
        changes.removeAllListeners();
      },
    };
  }

  const credentials = {
    appId: config.LARK_APP_ID!,
    appSecret: config.LARK_APP_SECRET!,
    domain: config.LARK_DOMAIN,
  };
  const platform = createLarkPlatform({
    ...credentials,
    logger,
    limits: options.larkLimits ?? config.LARK_RATE_LIMITS,
  });
  const { sender, flush, dispatcher, sweep } = wire(platform, {
    fetch: (file) => platform.fetchFile(file),
  });
  let botOpenId: string | undefined;
  const receiver = createLarkReceiver({
    dispatcher,
    store,
    logger,
    botOpenId: () => botOpenId,
    onOutbox: () => void flush(),
  });
  let connection: ReturnType<typeof startLongConnection> | undefined;
  let stopped = false;

  const app = createHttpApp({
    logger,
    isReady: async () =>
      (await dbReady()) &&
      botOpenId !== undefined &&
      (config.LARK_MODE === 'webhook' || connection?.state() === 'connected'),
  });
  if (config.LARK_MODE === 'webhook') {
    mountLarkWebhook(app, {
      encryptKey: config.LARK_ENCRYPT_KEY!,
      ...(config.LARK_VERIFICATION_TOKEN ? { verificationToken: config.LARK_VERIFICATION_TOKEN } : {}),
      logger,
      onEvent: receiver.onEvent,
    });
  }

  async function learnIdentity() {
    for (let attempt = 1; !stopped; attempt++) {
      try {
        const bot = await platform.botInfo();
        botOpenId = bot.openId;
        logger.info('lark bot identity known', { app: bot.name });
        return;
      } catch (error) {
        logger.error(
          'cannot reach Lark to learn the bot identity; check LARK_APP_ID, LARK_APP_SECRET and LARK_DOMAIN',
          {
            attempt,
            error: String(error),
          },
        );
        await new Promise((r) => setTimeout(r, options.retryMs ?? 5_000));
      }
    }
  }

  return {
    app,
    platform,
    sender,
    receiver,
    flush,
    sweep,
    recover: recoverWith(dispatcher),
    async start() {
      await learnIdentity();
      if (config.LARK_MODE === 'ws' && !stopped) {
        connection = startLongConnection({ ...credentials, logger, onEvent: receiver.onEvent });
      }
    },
    async stop() {
      stopped = true;
      connection?.stop();
      await receiver.idle();
    },
  };
}

export async function startServer(config: Config, options: BuildOptions = {}) {
  const logger = createLogger(config.LOG_LEVEL);
  const opened = await openDb({
    ...(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : {}),
    dataDir: config.DATA_DIR,
    holder: `${config.PLATFORM === 'local' ? '本地工作区' : '飞书'}服务（端口 ${config.PORT}）`,
  });
  const built = await buildApp(config, opened, { logger, ...options });
  const timer = setInterval(() => void built.flush(), OUTBOX_POLL_MS);
  const sweeper = setInterval(() => void built.sweep(), SWEEP_MS);
  const recovery = setInterval(
    () => void built.recover(),
    Math.max(1_000, (options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS) / 3),
  );
  // The local workspace has no login: loopback only. Lark must reach the webhook (usually via a proxy).
  const hostname = config.PLATFORM === 'local' ? '127.0.0.1' : '0.0.0.0';
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: built.app.fetch, hostname, port: config.PORT }, () => resolve(s));
    s.once('error', reject);
  }).catch(async (error) => {
    clearInterval(timer);
    clearInterval(recovery);
    clearInterval(sweeper);
    await opened.close();
    throw error;
  });
  void built.flush();
  void built.sweep();
  built.start().catch((error) => logger.error('background start failed', { error: String(error) }));
  logger.info('server ready', { platform: config.PLATFORM, port: config.PORT });

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      clearInterval(timer);
      clearInterval(recovery);
      clearInterval(sweeper);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await built.stop();
      await built.sender.drain().catch(() => undefined);
      await opened.close();
    })();
    return stopping;
  };
  return { stop, url: `http://localhost:${config.PORT}` };
}

async function main() {
  const config = loadConfig();
  try {
    const { stop, url } = await startServer(config);
    process.stdout.write(
      config.PLATFORM === 'local'
        ? `联络员机器人本地工作区已启动：${url}（按 Ctrl+C 停止）\n`
        : `联络员机器人已启动（飞书，${config.LARK_MODE === 'webhook' ? `事件地址 ${url}/webhook/lark` : '长连接'}）\n`,
    );
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        void stop().then(() => process.exit(0));
      });
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      process.stderr.write(
        `启动失败：端口 ${config.PORT} 已被占用。请关闭占用它的程序，或设置 PORT 换一个端口。\n`,
      );
    } else if (error instanceof DataDirLockedError) {
      process.stderr.write(`启动失败：${error.message}\n`);
    } else {
      process.stderr.write(`启动失败：${error instanceof Error ? error.stack : String(error)}\n`);
    }
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
