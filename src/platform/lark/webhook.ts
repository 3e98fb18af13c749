// POST /webhook/lark: one URL for events and card callbacks. The URL challenge is answered first (it may
// come encrypted and unsigned); everything else must carry a valid signature,
// sha256(timestamp + nonce + encrypt key + raw body), compared in constant time, and decrypt with our key.
// A bad request gets 401 before anything is stored or sent.
import { createHash, timingSafeEqual } from 'node:crypto';
import * as lark from '@larksuiteoapi/node-sdk';
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from '../../app/ports.ts';

export const LARK_WEBHOOK_PATH = '/webhook/lark';

export interface LarkWebhookOptions {
  encryptKey: string;
  verificationToken?: string;
  logger: Logger;
  onEvent(envelope: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export function larkSignature(timestamp: string, nonce: string, encryptKey: string, rawBody: string): string {
  return createHash('sha256')
    .update(timestamp + nonce + encryptKey + rawBody, 'utf8')
    .digest('hex');
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export function mountLarkWebhook(app: Hono, options: LarkWebhookOptions): void {
  const cipher = new lark.AESCipher(options.encryptKey);

  // Lark's pushes are a few kilobytes; anything far larger is not from Lark.
  app.post(
    LARK_WEBHOOK_PATH,
    bodyLimit({ maxSize: 1024 * 1024, onError: (c) => c.json({ error: 'body too large' }, 413) }),
  );
  app.post(LARK_WEBHOOK_PATH, async (c) => {
    const raw = await c.req.text();
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw);
    } catch {
      return c.json({ error: 'body is not JSON' }, 400);
    }
    let plain: Record<string, unknown> = body;
    if (typeof body.encrypt === 'string') {
      try {
        plain = JSON.parse(cipher.decrypt(body.encrypt));
      } catch {
        options.logger.warn('lark webhook: cannot decrypt (wrong LARK_ENCRYPT_KEY?)');
        return c.json({ error: 'cannot decrypt' }, 401);
      }
    }
    const token = (plain.header as { token?: string } | undefined)?.token ?? plain.token;
    if (options.verificationToken && token !== options.verificationToken) {
      options.logger.warn('lark webhook: verification token mismatch (check LARK_VERIFICATION_TOKEN)');
      return c.json({ error: 'bad token' }, 401);
    }
    if (plain.type === 'url_verification') return c.json({ challenge: plain.challenge });

    const timestamp = c.req.header('x-lark-request-timestamp') ?? '';
    const nonce = c.req.header('x-lark-request-nonce') ?? '';
    const signature = c.req.header('x-lark-signature') ?? '';
    if (!signature || !sameHex(larkSignature(timestamp, nonce, options.encryptKey, raw), signature)) {
      options.logger.warn('lark webhook: bad or missing signature');
      return c.json({ error: 'bad signature' }, 401);
    }
    if (plain.schema !== '2.0') return c.json({});
    return c.json(await options.onEvent(plain));
  });
}
