// The Lark implementation of the Platform port, on @larksuiteoapi/node-sdk. Every send carries the outbox key
// as Lark's `uuid` (Lark drops a repeated uuid for an hour), keeps to the rate limits, and turns Lark's answers
// into DeliveryErrors the sender understands. The SDK neither retries nor refreshes a revoked tenant token, and
// its default logger prints the Authorization header on HTTP errors: we give it a cache we can clear and a
// logger that redacts.
import { createHash } from 'node:crypto';
import * as lark from '@larksuiteoapi/node-sdk';
import {
  DeliveryError,
  type Logger,
  type OutboundFile,
  type OutboundMessage,
  type Platform,
} from '../../app/ports.ts';
import type { Card } from '../../cards/card.ts';
import { createRateLimiter, defaultRateLimits, type RateLimits } from './rate-limiter.ts';
import { CardTooLargeError, larkCardContent } from './render-card.ts';
import { sdkLogger } from './sdk-logger.ts';

export interface LarkPlatformOptions {
  appId: string;
  appSecret: string;
  /** Base URL of the open platform (Feishu, Lark, a private deployment, or a test fake). */
  domain: string;
  logger: Logger;
  limits?: RateLimits;
}

/** Lark codes that mean "slow down" (429/99991400 on the gateway, 230020 on the message APIs). */
const RATE_LIMITED = new Set([99991400, 230020]);
/** The tenant token was revoked or expired early: fetch a new one and try once more. */
const TOKEN_INVALID = new Set([99991663, 99991668]);
/** The card itself was refused: over the size limit, or it failed to build. */
const CARD_REJECTED = new Set([230099, 230025]);

/** The SDK's token cache, with a way to forget the token when Lark says it is no longer valid. */
type CacheKey = Parameters<lark.Cache['get']>[0];
class TokenCache implements lark.Cache {
  private readonly values = new Map<unknown, { value: unknown; expiresAt?: number }>();
  async set(key: CacheKey, value: unknown, expiresAt?: number, options?: { namespace?: string }) {
    this.values.set(`${options?.namespace ?? ''}:${String(key)}`, {
      value,
      ...(expiresAt ? { expiresAt } : {}),
    });
    return true;
  }
  async get(key: CacheKey, options?: { namespace?: string }) {
    const entry = this.values.get(`${options?.namespace ?? ''}:${String(key)}`);
    if (!entry || (entry.expiresAt !== undefined && entry.expiresAt < Date.now())) return undefined;
    return entry.value;
  }
  clear() {
    this.values.clear();
  }
}

/** Lark's `uuid` takes at most 50 characters; longer keys are hashed (deterministically). */
export function larkUuid(key: string): string {
  return key.length <= 50 ? key : `h${createHash('sha256').update(key).digest('hex').slice(0, 48)}`;
}

interface LarkAnswer {
  code?: number;
  msg?: string;
  data?: { message_id?: string; file_key?: string };
}

/** Runs one API call and classifies a failure; returns the answer when `code` is 0. */
async function call(run: () => Promise<LarkAnswer>): Promise<LarkAnswer> {
  let answer: LarkAnswer;
  let status = 200;
  let resetSeconds: number | undefined;
  try {
    answer = (await run()) ?? {};
  } catch (error) {
    const response = (
      error as { response?: { status?: number; data?: LarkAnswer; headers?: Record<string, string> } }
    ).response;
    if (!response) {
      // No answer at all (network, timeout): the request may or may not have reached Lark.
      throw new DeliveryError(`network: ${(error as Error).message}`, 'retry', { maybeSent: true });
    }
    status = response.status ?? 0;
    answer = response.data ?? {};
    const reset = Number(response.headers?.['x-ogw-ratelimit-reset']);
    if (Number.isFinite(reset) && reset > 0) resetSeconds = reset;
  }
  const code = answer.code ?? (status === 200 ? 0 : -1);
  if (code === 0 && status < 400) return answer;
  const text = `lark ${status} code ${code}: ${answer.msg ?? ''}`.trim();
  if (status === 429 || RATE_LIMITED.has(code)) {
    throw new DeliveryError(text, 'retry', { code, retryAfterMs: (resetSeconds ?? 1) * 1000 });
  }
  if (TOKEN_INVALID.has(code)) throw new DeliveryError(text, 'retry', { code });
  if (CARD_REJECTED.has(code)) throw new DeliveryError(text, 'card-rejected', { code });
  if (status >= 500) throw new DeliveryError(text, 'retry', { code, maybeSent: true });
  throw new DeliveryError(text, 'permanent', { code });
}

export function createLarkPlatform(options: LarkPlatformOptions) {
  const cache = new TokenCache();
  const client = new lark.Client({
    appId: options.appId,
    appSecret: options.appSecret,
    domain: options.domain,
    appType: lark.AppType.SelfBuild,
    cache,
    logger: sdkLogger(options.logger),
    loggerLevel: lark.LoggerLevel.error,
  });
  const limiter = createRateLimiter(options.limits ?? defaultRateLimits);

  /** One call, and one more with a fresh token if Lark says the token is no longer valid. */
  async function withToken(run: () => Promise<LarkAnswer>): Promise<LarkAnswer> {
    try {
      return await call(run);
    } catch (error) {
      if (
        error instanceof DeliveryError &&
        error.options.code !== undefined &&
        TOKEN_INVALID.has(error.options.code)
      ) {
        cache.clear();
        return call(run);
      }
      throw error;
    }
  }

  function content(message: OutboundMessage): { msg_type: string; content: string } {
    if (message.card) {
      try {
        return { msg_type: 'interactive', content: larkCardContent(message.card) };
      } catch (error) {
        if (error instanceof CardTooLargeError) throw new DeliveryError(error.message, 'card-rejected');
        throw error;
      }
    }
    return { msg_type: 'text', content: JSON.stringify({ text: message.text ?? '' }) };
  }

  /** Uploads a file the bot sends (Lark: up to 30 MB); the message then names it by its key. */
  async function uploaded(file: OutboundFile): Promise<{ msg_type: string; content: string }> {
    const answer = await withToken(async () => {
      const data = (await client.im.file.create({
        data: {
          // Lark's own types for spreadsheets and PDFs; anything else is a plain stream.
          file_type: /\.xlsx?$/i.test(file.name) ? 'xls' : /\.pdf$/i.test(file.name) ? 'pdf' : 'stream',
          file_name: file.name,
          file: Buffer.from(file.base64, 'base64'),
        },
      })) as { file_key?: string } | null;
      // The SDK hands back only the answer's data; no key means Lark refused the upload.
      return data?.file_key ? { code: 0, data } : { code: -1, msg: 'upload returned no file_key' };
    });
    const key = answer.data?.file_key;
    return { msg_type: 'file', content: JSON.stringify({ file_key: key }) };
  }

  const platform: Platform & {
    botInfo(): Promise<{ openId: string; name: string }>;
    fetchFile(file: { messageId: string; fileKey: string }): Promise<Buffer>;
  } = {
    name: 'lark',
    // Lark lets a bot update a card for 14 days after sending it.
    cardUpdateWindowMs: 14 * 24 * 3_600_000,
    async send(message, idempotencyKey) {
      const target = 'chatId' in message.to ? `chat:${message.to.chatId}` : `user:${message.to.userId}`;
      // A file is uploaded first (a retry uploads again: an unused upload is harmless), then sent by its key.
      const body = {
        ...(message.file ? await uploaded(message.file) : content(message)),
        uuid: larkUuid(idempotencyKey),
      };
      await limiter.acquire(target);
      const answer = await withToken(() =>
        message.replyTo
          ? (client.im.message.reply({
              path: { message_id: message.replyTo },
              data: { ...body, ...(message.inThread ? { reply_in_thread: true } : {}) },
            }) as Promise<LarkAnswer>)
          : (client.im.message.create({
              params: { receive_id_type: 'chatId' in message.to ? 'chat_id' : 'open_id' },
              data: { ...body, receive_id: 'chatId' in message.to ? message.to.chatId : message.to.userId },
            }) as Promise<LarkAnswer>),
      );
      const messageId = answer.data?.message_id;
      if (!messageId)
        throw new DeliveryError('lark answered without a message_id', 'retry', { maybeSent: true });
      return { messageId };
    },
    async updateCard(messageId: string, card: Card, _key: string, updateToken?: string) {
      let body: string;
      try {
        body = larkCardContent(card);
      } catch (error) {
        if (error instanceof CardTooLargeError) throw new DeliveryError(error.message, 'permanent');
        throw error;
      }
      await limiter.acquire(`message:${messageId}`);
      if (updateToken) {
        // After a slow click Lark offers a delayed update by token (30 minutes, two uses); once that is spent
        // or expired, patching the message does the same for our shared cards.
        try {
          await withToken(
            () =>
              client.request({
                method: 'POST',
                url: '/open-apis/interactive/v1/card/update',
                data: { token: updateToken, card: JSON.parse(body) },
              }) as Promise<LarkAnswer>,
          );
          return;
        } catch (error) {
          if (!(error instanceof DeliveryError) || error.kind === 'retry') throw error;
          options.logger.info('delayed card update refused; patching the message instead', {
            error: error.message,
          });
        }
      }
      await withToken(
        () =>
          client.im.message.patch({
            path: { message_id: messageId },
            data: { content: body },
          }) as Promise<LarkAnswer>,
      );
    },
    /** A file someone sent the bot (the bot must be in the chat; Lark serves up to 100 MB). */
    async fetchFile(file: { messageId: string; fileKey: string }): Promise<Buffer> {
      const resource = await client.im.messageResource.get({
        path: { message_id: file.messageId, file_key: file.fileKey },
        params: { type: 'file' },
      });
      const chunks: Buffer[] = [];
      for await (const chunk of resource.getReadableStream()) chunks.push(Buffer.from(chunk));
      return Buffer.concat(chunks);
    },
    /** Who the bot is: its open_id tells which mention in a group message is the bot's. */
    async botInfo() {
      const answer = (await withToken(
        () => client.request({ method: 'GET', url: '/open-apis/bot/v3/info' }) as Promise<LarkAnswer>,
      )) as LarkAnswer & { bot?: { open_id?: string; app_name?: string } };
      if (!answer.bot?.open_id) throw new Error('lark bot info has no open_id');
      return { openId: answer.bot.open_id, name: answer.bot.app_name ?? '' };
    },
  };
  return platform;
}

export type LarkPlatform = ReturnType<typeof createLarkPlatform>;
