// The HTTP app: health endpoints, plus the routes each platform mounts (the local workspace's page today,
// Lark's webhook later).
import { Hono } from 'hono';
import type { Logger } from '../app/ports.ts';

export interface HttpOptions {
  logger: Logger;
  /** Readiness: true when the database answers and the platform is connected. */
  isReady: () => Promise<boolean>;
}

export function createHttpApp(options: HttpOptions): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/readyz', async (c) => {
    const ready = await options.isReady().catch(() => false);
    return c.json({ ready }, ready ? 200 : 503);
  });
  app.onError((error, c) => {
    options.logger.error('http error', { path: c.req.path, error: error.message, stack: error.stack });
    return c.json({ error: '系统繁忙，请稍后重试。' }, 500);
  });
  return app;
}
