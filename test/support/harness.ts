// A bot wired to a fresh database and the memory platform: `send('/member list', as)` types a message,
// `click(message, '按钮')` presses a button, and `sent` shows what the bot answered.
import { randomUUID } from 'node:crypto';
import { commands } from '../../commands/index.ts';
import { seedDemo } from '../../src/app/demo.ts';
import { createOutboxSender } from '../../src/app/outbox-sender.ts';
import type { Logger } from '../../src/app/ports.ts';
import type { Services } from '../../src/app/services.ts';
import { drandBeacons } from '../../src/beacon/drand.ts';
import type { ActionResult } from '../../src/bot/define-command.ts';
import { createDispatcher } from '../../src/bot/dispatch.ts';
import type { Button, Card, Element } from '../../src/cards/card.ts';
import { bufferTableReader } from '../../src/files/read-table.ts';
import { xlsxTableWriter } from '../../src/files/write-table.ts';
import { extractMentions } from '../../src/platform/local/mentions.ts';
import { createMemoryPlatform, type SentMessage } from '../../src/platform/memory/memory-platform.ts';
import { createStore } from '../../src/store/store.ts';

import { freshDb } from './test-db.ts';

export const PLATFORM = 'memory';

export interface As {
  userId: string;
  name: string;
}

export const users = {
  office: { userId: 'zhou.mingyuan', name: '周明远' },
  office2: { userId: 'chen.jing', name: '陈静' },
  liaison: { userId: 'wang.xiaoming', name: '王晓明' },
  /** The market regulator's liaison (the demo matters are its own), another department's, and its operator. */
  marketLiaison: { userId: 'lin.hai', name: '林海' },
  otherLiaison: { userId: 'li.na', name: '李娜' },
  operator: { userId: 'huang.lei', name: '黄磊' },
  marketInspector: { userId: 'liu.yang', name: '刘洋' },
  inspector: { userId: 'he.ping', name: '何平' },
  unbound: { userId: 'qian.duoduo', name: '钱多多' },
  unbound2: { userId: 'feng.xiaoyu', name: '冯小雨' },
} satisfies Record<string, As>;

export function captureLogger() {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, ...(fields ? { fields } : {}) });
  };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

/** Every text a card shows (headers, markdown, fields, table cells, button labels), for assertions. */
export function cardText(card: Card | undefined): string {
  if (!card) return '';
  const parts: string[] = [card.header?.title ?? '', card.header?.subtitle ?? ''];
  const walk = (e: Element) => {
    if (e.type === 'markdown' || e.type === 'note') parts.push(e.text);
    if (e.type === 'fields') for (const f of e.fields) parts.push(f.label, f.value);
    if (e.type === 'table') {
      for (const r of e.rows) parts.push(...Object.values(r));
      if (e.rows.length === 0 && e.empty) parts.push(e.empty);
    }
    if (e.type === 'actions') for (const b of e.buttons) parts.push(b.label);
    if (e.type === 'form') parts.push(...e.inputs.map((i) => i.label), e.submit.label);
  };
  card.elements.forEach(walk);
  return parts.join('\n');
}

export function findButton(card: Card | undefined, label: string): Button {
  for (const e of card?.elements ?? []) {
    if (e.type === 'actions') {
      const b = e.buttons.find((x) => x.label.includes(label));
      if (b) return b;
    }
    if (e.type === 'form' && e.submit.label.includes(label)) return e.submit;
  }
  throw new Error(`no button "${label}" on card:\n${cardText(card)}`);
}

export async function createHarness(options: { demo?: boolean } = {}) {
  const opened = await freshDb();
  // One clock for the store and the sender, as the app has: a test that sets the time sets it for both (the
  // outbox is stamped by the store and drained by the sender).
  const clock = { now: () => new Date() };
  const store = createStore(opened.db, () => clock.now());
  const platform = createMemoryPlatform(PLATFORM);
  const { logger, lines } = captureLogger();
  const uploads = new Map<string, Buffer>();
  const services: Services = {
    store,
    clock,
    logger,
    platform: PLATFORM,
    timeZone: 'Asia/Shanghai',
    files: {
      async fetch(file) {
        const bytes = uploads.get(file.fileKey);
        if (!bytes) throw new Error(`no file ${file.fileKey}`);
        return bytes;
      },
    },
    tables: bufferTableReader,
    sheets: xlsxTableWriter,
    beacons: drandBeacons(),
  };
  const sender = createOutboxSender({ store, platform, clock, logger });
  const dispatcher = createDispatcher({ services, commands });
  if (options.demo !== false) await seedDemo(store, PLATFORM, { kind: 'system', id: 'test' });

  async function send(text: string, as: As, chat: { chatId?: string; chatType?: 'p2p' | 'group' } = {}) {
    const before = platform.sent.length;
    const directory = await store.chatUsers.list(PLATFORM);
    const { text: body, mentions } = extractMentions(text, directory);
    const messageId = `om_${randomUUID()}`;
    await dispatcher.handleMessage({
      kind: 'message',
      platform: PLATFORM,
      eventKey: messageId,
      messageId,
      chatId: chat.chatId ?? `dm:${as.userId}`,
      chatType: chat.chatType ?? 'p2p',
      sender: as,
      text: body,
      mentions,
    });
    await sender.drain();
    return platform.sent.slice(before);
  }

  /** The user sends a file in the chat (as the platform would record it). */
  async function sendFile(fileName: string, bytes: Buffer, as: As, chatId = `dm:${as.userId}`) {
    const fileKey = `file_${randomUUID()}`;
    uploads.set(fileKey, bytes);
    await store.chatFiles.add({
      platform: PLATFORM,
      messageId: `om_${randomUUID()}`,
      chatId,
      senderId: as.userId,
      fileKey,
      fileName,
    });
  }

  async function click(
    message: SentMessage,
    label: string,
    as: As,
    form: Record<string, unknown> = {},
  ): Promise<ActionResult & { sent: SentMessage[] }> {
    const before = platform.sent.length;
    const button = findButton(message.card, label);
    const result = await dispatcher.handleAction({
      kind: 'action',
      platform: PLATFORM,
      eventKey: `ev_${randomUUID()}`,
      messageId: message.messageId,
      chatId: 'chatId' in message.to ? message.to.chatId : `dm:${message.to.userId}`,
      chatType: 'p2p',
      sender: as,
      value: button.value,
      form,
    });
    if (result.card) message.card = result.card;
    await sender.drain();
    return { ...result, sent: platform.sent.slice(before) };
  }

  /** The one message a step produced, failing loudly otherwise. */
  function only(messages: SentMessage[]): SentMessage {
    if (messages.length !== 1) throw new Error(`expected one message, got ${messages.length}`);
    return messages[0]!;
  }

  return {
    db: opened.db,
    store,
    platform,
    dispatcher,
    sender,
    services,
    logs: lines,
    send,
    sendFile,
    click,
    only,
    close: opened.close,
  };
}

export type Harness = Awaited<ReturnType<typeof createHarness>>;
