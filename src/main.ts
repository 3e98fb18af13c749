// The composition root: config → database (+ migrations) → platform → dispatcher → HTTP → outbox sender.
// The only module that knows every other one.
import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';
import { commands } from '../commands/index.ts';
import { seedDemo } from './app/demo.ts';
import { createOutboxSender } from './app/outbox-sender.ts';
import type { Services } from './app/services.ts';
import { createDispatcher } from './bot/dispatch.ts';
import { type Config, loadConfig } from './config.ts';
import { createHttpApp } from './http/server.ts';
import { createLogger } from './logger.ts';
import { createLocalPlatform } from './platform/local/local-platform.ts';
import { LOCAL_PLATFORM, mountLocalRoutes } from './platform/local/routes.ts';
import { DataDirLockedError, openDb, sql } from './store/db.ts';
import { createLocalChatLog } from './store/local-chat-log.ts';
import { createStore } from './store/store.ts';

/** A refusal to start that the message alone explains (no stack trace). */
class StartupError extends Error {}

/** How often the sender looks for due retries when nothing new arrived. */
const OUTBOX_POLL_MS = 2_000;

export async function startServer(config: Config) {
  const logger = createLogger(config.LOG_LEVEL);
  if (config.PLATFORM === 'lark') {
    throw new StartupError(
      '本版本尚未接入飞书：目前只提供本地工作区。请去掉 LARK_APP_ID 和 LARK_APP_SECRET（或设置 PLATFORM=local）后重新启动。',
    );
  }
  const opened = await openDb({
    ...(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : {}),
    dataDir: config.DATA_DIR,
    holder: `本地工作区服务（端口 ${config.PORT}）`,
  });
  const clock = { now: () => new Date() };
  const store = createStore(opened.db, clock.now);

  if (await seedDemo(store, LOCAL_PLATFORM, { kind: 'system', id: 'local-workspace', name: '本地工作区' })) {
    logger.info('demo data loaded into an empty local workspace');
  }

  const changes = new EventEmitter().setMaxListeners(0);
  const notify = (chatId: string) => changes.emit('chat', chatId);
  const log = createLocalChatLog(opened.db);
  const platform = createLocalPlatform(log, notify);
  const services: Services = { store, clock, logger, platform: platform.name };
  const sender = createOutboxSender({ store, platform, clock, logger });
  const flush = () =>
    sender.drain().catch((error) => logger.error('outbox drain failed', { error: String(error) }));
  const dispatcher = createDispatcher({ services, commands, onOutbox: () => void flush() });

  const app = createHttpApp({
    logger,
    isReady: async () => {
      await opened.db.execute(sql`select 1`);
      return true;
    },
  });
  mountLocalRoutes(app, {
    port: config.PORT,
    store,
    log,
    dispatcher,
    logger,
    flush,
    notify,
    subscribe: (listener) => {
      changes.on('chat', listener);
      return () => changes.off('chat', listener);
    },
  });

  const timer = setInterval(() => void flush(), OUTBOX_POLL_MS);
  void flush();
  // No login: listen on the loopback address only.
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: config.PORT }, () => resolve(s));
    s.once('error', reject);
  });
  logger.info('local workspace ready', { url: `http://localhost:${config.PORT}` });

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      clearInterval(timer);
      changes.removeAllListeners();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await sender.drain().catch(() => undefined);
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
    process.stdout.write(`联络员机器人本地工作区已启动：${url}（按 Ctrl+C 停止）\n`);
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
    } else if (error instanceof StartupError || error instanceof DataDirLockedError) {
      process.stderr.write(`启动失败：${error.message}\n`);
    } else {
      process.stderr.write(`启动失败：${error instanceof Error ? error.stack : String(error)}\n`);
    }
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
