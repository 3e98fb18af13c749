// The local workspace's HTTP side: the page, its JSON API and a server-sent-event stream that tells open
// pages when a chat changed. It has no login, so it answers only on the loopback address and refuses any
// request whose Host or Origin is not its own: another web page in the same browser (or a DNS-rebinding
// host name) must not be able to act through it.
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import type { ChatUser, LocalChatLog, Logger, Store } from '../../app/ports.ts';
import type { Dispatcher } from '../../bot/dispatch.ts';
import { formatRoles } from '../../domain/roles.ts';
import { dmChatId, OFFICE_GROUP_ID } from './local-platform.ts';
import { BOT_USER_ID, extractMentions } from './mentions.ts';
import { renderPage } from './page.ts';
import { renderCardHtml } from './render-html.ts';

export const LOCAL_PLATFORM = 'local';
const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
/** Keys of files in the folder: uploads (lf_) and files the bot sent (lb_); nothing else is ever read. */
const FILE_KEY = /^(lf_[0-9a-f-]{36}|lb_[0-9a-f]{24})$/;

/** Reads back a file attached in the page; the key is checked so no other path can be read. */
export function localFileFetcher(uploadDir: string) {
  return {
    async fetch(file: { fileKey: string }): Promise<Buffer> {
      if (!FILE_KEY.test(file.fileKey)) throw new Error('bad local file key');
      return readFile(join(uploadDir, file.fileKey));
    },
  };
}

export interface LocalRoutesOptions {
  port: number;
  store: Store;
  log: LocalChatLog;
  dispatcher: Dispatcher;
  logger: Logger;
  /** Drains the outbox now. */
  flush: () => Promise<unknown>;
  /** Tells open pages that a chat changed. */
  notify: (chatId: string) => void;
  /** Where files attached in the page are kept (the local workspace's stand-in for Lark's file storage). */
  uploadDir: string;
  /** Subscribes to "this chat changed"; returns an unsubscribe function. */
  subscribe: (listener: (chatId: string) => void) => () => void;
}

/** Host names under which the page may be reached. */
export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

const MessageBody = z.object({
  as: z.string().min(1),
  chat: z.string().min(1),
  text: z.string().trim().min(1).max(4000),
  clientId: z.string().min(8).max(64),
});
const ActionBody = z.object({
  as: z.string().min(1),
  messageId: z.string().min(1),
  value: z.record(z.string(), z.unknown()),
  form: z.record(z.string(), z.unknown()).optional(),
  clientId: z.string().min(8).max(64),
});
const NewUserBody = z.object({ name: z.string().trim().min(1).max(20) });

export function mountLocalRoutes(app: Hono, options: LocalRoutesOptions): void {
  const { store, log, dispatcher, logger } = options;
  const hosts = allowedHosts(options.port);

  app.use('*', async (c, next) => {
    const host = c.req.header('host') ?? '';
    const origin = c.req.header('origin');
    if (!hosts.has(host)) return c.text('拒绝访问：本地工作区只接受本机地址的请求。', 403);
    if (origin !== undefined && !hosts.has(origin.replace(/^https?:\/\//, ''))) {
      return c.text('拒绝访问：请求来自其他网页。', 403);
    }
    // A state-changing request must prove it comes from our own page (browsers always send Origin on POST).
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && origin === undefined) {
      return c.text('拒绝访问：缺少 Origin。', 403);
    }
    await next();
    c.header('X-Frame-Options', 'DENY');
    c.header(
      'Content-Security-Policy',
      "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
    );
  });

  const userOf = async (userId: string): Promise<ChatUser | undefined> =>
    store.chatUsers.get(LOCAL_PLATFORM, userId);
  const canSee = (userId: string, chatId: string) =>
    chatId === OFFICE_GROUP_ID || chatId === dmChatId(userId);

  app.get('/', (c) => c.html(renderPage()));

  app.get('/api/users', async (c) => {
    const users = await store.chatUsers.list(LOCAL_PLATFORM);
    const departments = new Map((await store.departments.list()).map((d) => [d.id, d]));
    const result = [];
    for (const u of users) {
      const person = await store.people.findByChatAccount(LOCAL_PLATFORM, u.userId);
      const department = person ? departments.get(person.departmentId) : undefined;
      result.push({
        userId: u.userId,
        name: u.displayName,
        binding: person
          ? `${department?.shortName ?? department?.name ?? ''} · ${formatRoles(person.roles)}`
          : '未绑定',
      });
    }
    return c.json(result);
  });

  app.post('/api/users', async (c) => {
    const body = NewUserBody.safeParse(await c.req.json().catch(() => null));
    if (!body.success) return c.json({ error: '请填写 1–20 个字的姓名。' }, 400);
    const existing = (await store.chatUsers.list(LOCAL_PLATFORM)).find(
      (u) => u.displayName === body.data.name,
    );
    if (existing) return c.json({ userId: existing.userId });
    const userId = `u_${randomUUID().slice(0, 8)}`;
    await store.chatUsers.upsert({ platform: LOCAL_PLATFORM, userId, displayName: body.data.name });
    return c.json({ userId });
  });

  app.get('/api/chats', (c) => {
    const as = c.req.query('as') ?? '';
    return c.json([
      { chatId: dmChatId(as), name: '联络员机器人', kind: 'p2p' },
      { chatId: OFFICE_GROUP_ID, name: '联席会议工作群', kind: 'group' },
    ]);
  });

  app.get('/api/messages', async (c) => {
    const as = c.req.query('as') ?? '';
    const chat = c.req.query('chat') ?? '';
    if (!canSee(as, chat)) return c.json({ error: '您不在这个会话中。' }, 403);
    const names = new Map((await store.chatUsers.list(LOCAL_PLATFORM)).map((u) => [u.userId, u.displayName]));
    const messages = await log.list(chat, 200);
    return c.json(
      messages.map((m) => ({
        messageId: m.messageId,
        senderKind: m.senderKind,
        senderId: m.senderId,
        senderName: m.senderKind === 'bot' ? '联络员机器人' : (names.get(m.senderId) ?? m.senderId),
        text: m.text,
        html: m.card ? renderCardHtml(m.card) : null,
        file: m.fileKey ? { name: m.fileName } : null,
        version: m.version,
        createdAt: m.createdAt,
      })),
    );
  });

  app.post('/api/messages', async (c) => {
    const body = MessageBody.safeParse(await c.req.json().catch(() => null));
    if (!body.success) return c.json({ error: '消息格式不正确。' }, 400);
    const { as, chat, text, clientId } = body.data;
    const user = await userOf(as);
    if (!user) return c.json({ error: '请先选择您的身份。' }, 400);
    if (!canSee(as, chat)) return c.json({ error: '您不在这个会话中。' }, 403);
    const messageId = `lu_${clientId}`;
    await log.add({
      messageId,
      chatId: chat,
      senderKind: 'user',
      senderId: as,
      text,
      card: null,
      replyTo: null,
    });
    options.notify(chat);
    const isGroup = chat === OFFICE_GROUP_ID;
    const directory = await store.chatUsers.list(LOCAL_PLATFORM);
    const { text: withPlaceholders, mentions } = extractMentions(text, directory);
    // In a group the bot answers only when mentioned or addressed with a slash command, as in Lark.
    const addressed =
      !isGroup || mentions.some((m) => m.userId === BOT_USER_ID) || /^[/／]/.test(text.trim());
    if (addressed) {
      // Acknowledge at once; the answer arrives through the event stream.
      void dispatcher
        .handleMessage({
          kind: 'message',
          platform: LOCAL_PLATFORM,
          eventKey: clientId,
          messageId,
          chatId: chat,
          chatType: isGroup ? 'group' : 'p2p',
          sender: { userId: as, name: user.displayName },
          text: withPlaceholders,
          mentions,
        })
        .then(() => options.flush())
        .catch((error) => logger.error('local message failed', { error: String(error) }));
    }
    return c.json({ messageId }, 202);
  });

  // Attaching a file: the page posts its bytes; it is kept like a file message on Lark, for /import.
  app.post(
    '/api/files',
    bodyLimit({ maxSize: MAX_UPLOAD_BYTES, onError: (c) => c.json({ error: '文件超过 50 MB。' }, 413) }),
    async (c) => {
      const as = c.req.query('as') ?? '';
      const chat = c.req.query('chat') ?? '';
      const fileName = decodeURIComponent(c.req.header('x-file-name') ?? '').slice(0, 200) || '未命名文件';
      const user = await userOf(as);
      if (!user) return c.json({ error: '请先选择您的身份。' }, 400);
      if (!canSee(as, chat)) return c.json({ error: '您不在这个会话中。' }, 403);
      const bytes = Buffer.from(await c.req.arrayBuffer());
      if (bytes.length === 0) return c.json({ error: '文件是空的。' }, 400);
      const fileKey = `lf_${randomUUID()}`;
      await mkdir(options.uploadDir, { recursive: true });
      await writeFile(join(options.uploadDir, fileKey), bytes, { mode: 0o600 });
      const messageId = `lu_${fileKey}`;
      await store.chatFiles.add({
        platform: LOCAL_PLATFORM,
        messageId,
        chatId: chat,
        senderId: as,
        fileKey,
        fileName,
      });
      await log.add({
        messageId,
        chatId: chat,
        senderKind: 'user',
        senderId: as,
        fileKey,
        fileName,
        text: `📎 ${fileName}`,
        card: null,
        replyTo: null,
      });
      options.notify(chat);
      return c.json({ messageId }, 201);
    },
  );

  // Downloading a message's file, for whoever can see that chat.
  app.get('/api/messages/:messageId/file', async (c) => {
    const as = c.req.query('as') ?? '';
    const message = await log.get(c.req.param('messageId'));
    if (!message?.fileKey || !FILE_KEY.test(message.fileKey) || !canSee(as, message.chatId)) {
      return c.json({ error: '找不到这个文件。' }, 404);
    }
    const bytes = await readFile(join(options.uploadDir, message.fileKey)).catch(() => undefined);
    if (!bytes) return c.json({ error: '文件已不在本机。' }, 404);
    const name = message.fileName ?? 'file';
    return c.body(new Uint8Array(bytes), 200, {
      'content-type': 'application/octet-stream',
      'content-disposition': `attachment; filename="file"; filename*=UTF-8''${encodeURIComponent(name)}`,
      'x-content-type-options': 'nosniff',
    });
  });

  app.post('/api/actions', async (c) => {
    const body = ActionBody.safeParse(await c.req.json().catch(() => null));
    if (!body.success) return c.json({ toast: { type: 'error', text: '操作格式不正确。' } }, 400);
    const { as, messageId, value, form, clientId } = body.data;
    const user = await userOf(as);
    if (!user) return c.json({ toast: { type: 'error', text: '请先选择您的身份。' } }, 400);
    const message = await log.get(messageId);
    if (!message || !canSee(as, message.chatId)) {
      return c.json({ toast: { type: 'error', text: '找不到这张卡片。' } }, 404);
    }
    const result = await dispatcher.handleAction({
      kind: 'action',
      platform: LOCAL_PLATFORM,
      eventKey: clientId,
      messageId,
      chatId: message.chatId,
      chatType: message.chatId === OFFICE_GROUP_ID ? 'group' : 'p2p',
      sender: { userId: as, name: user.displayName },
      value,
      ...(form ? { form } : {}),
    });
    if (result.card) {
      await store.outbox.enqueue(
        LOCAL_PLATFORM,
        { op: 'update', messageId, card: result.card },
        `${clientId}#update`,
      );
    }
    await options.flush();
    return c.json({ toast: result.toast ?? null });
  });

  app.get('/api/events', (c) =>
    streamSSE(c, async (stream) => {
      const queue: string[] = [];
      let wake: (() => void) | undefined;
      const unsubscribe = options.subscribe((chatId) => {
        queue.push(chatId);
        wake?.();
      });
      stream.onAbort(unsubscribe);
      await stream.writeSSE({ event: 'ready', data: '' });
      while (!stream.aborted) {
        if (queue.length === 0) {
          await Promise.race([new Promise<void>((r) => (wake = r)), stream.sleep(15_000)]);
          wake = undefined;
        }
        const chats = new Set(queue.splice(0));
        for (const chatId of chats) await stream.writeSSE({ event: 'chat', data: chatId });
        if (chats.size === 0) await stream.writeSSE({ event: 'ping', data: '' });
      }
      unsubscribe();
    }),
  );
}
