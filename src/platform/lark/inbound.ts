// Lark event envelopes (schema 2.0, already decrypted) → what the dispatcher understands. Only what the bot
// acts on is kept: text and post messages (p2p, and group messages that mention the bot), card actions, the
// bot menu, and the two "say hello" moments.
import type { ChatRef } from '../../app/ports.ts';
import type { InboundAction, InboundMessage } from '../../bot/dispatch.ts';
import type { Mention } from '../../bot/parse-command.ts';

export const LARK_PLATFORM = 'lark';

export type LarkInbound =
  | { kind: 'message'; inbound: InboundMessage }
  | { kind: 'action'; inbound: InboundAction }
  | { kind: 'welcome'; eventKey: string; to: ChatRef }
  | { kind: 'file'; messageId: string; chatId: string; senderId: string; fileKey: string; fileName: string }
  | { kind: 'ignored'; reason: string };

interface Envelope {
  schema?: string;
  header?: { event_id?: string; event_type?: string; token?: string };
  event?: Record<string, unknown>;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The text of a `post` message: every text run, with @-mentions kept as their placeholders. */
function postText(content: Obj): string {
  const body = Array.isArray(content.content) ? content : obj(Object.values(content)[0]);
  const paragraphs = Array.isArray(body.content) ? (body.content as unknown[]) : [];
  return paragraphs
    .map((line) =>
      (Array.isArray(line) ? line : [])
        .map((run) => {
          const r = obj(run);
          if (r.tag === 'text' || r.tag === 'a') return str(r.text) ?? '';
          if (r.tag === 'at') return str(r.user_id) ?? '';
          return '';
        })
        .join(''),
    )
    .join('\n');
}

/** Date pickers answer "2026-12-01 +0800"; the bot works with plain dates. */
function normaliseFormValue(form: Obj): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(form).map(([k, v]) => [
      k,
      typeof v === 'string' ? v.replace(/^(\d{4}-\d{2}-\d{2}) [+-]\d{4}$/, '$1') : v,
    ]),
  );
}

export function normaliseLarkEvent(envelope: Envelope, botOpenId: string | undefined): LarkInbound {
  const type = envelope.header?.event_type;
  const eventId = envelope.header?.event_id ?? '';
  const event = obj(envelope.event);

  if (type === 'im.message.receive_v1') {
    const sender = obj(event.sender);
    const message = obj(event.message);
    if (sender.sender_type !== 'user') return { kind: 'ignored', reason: 'not sent by a user' };
    const senderId = str(obj(sender.sender_id).open_id);
    const messageId = str(message.message_id);
    const chatId = str(message.chat_id);
    if (!senderId || !messageId || !chatId) return { kind: 'ignored', reason: 'incomplete message' };
    const chatType = message.chat_type === 'p2p' ? 'p2p' : 'group';
    const mentions: Mention[] = (Array.isArray(message.mentions) ? message.mentions : []).map((m) => {
      const mention = obj(m);
      const userId = str(obj(mention.id).open_id) ?? '';
      return {
        key: str(mention.key) ?? '',
        userId,
        name: str(mention.name) ?? '',
        ...(botOpenId && userId === botOpenId ? { isBot: true } : {}),
      };
    });
    // In a group the bot acts only when mentioned (it only receives such messages with the usual scope anyway).
    if (chatType === 'group' && !mentions.some((m) => m.isBot))
      return { kind: 'ignored', reason: 'group message without mention' };
    let content: Obj = {};
    try {
      content = obj(JSON.parse(str(message.content) ?? '{}'));
    } catch {
      return { kind: 'ignored', reason: 'unreadable content' };
    }
    const threadId = str(message.thread_id);
    const rootId = str(message.root_id);
    const parentId = str(message.parent_id);
    const base = {
      platform: LARK_PLATFORM,
      eventKey: messageId,
      messageId,
      chatId,
      chatType,
      sender: { userId: senderId },
      ...(threadId ? { threadId } : {}),
      ...(rootId ? { rootId } : {}),
      ...(parentId ? { parentId } : {}),
    } as const;
    switch (message.message_type) {
      case 'text':
        return {
          kind: 'message',
          inbound: { kind: 'message', ...base, text: str(content.text) ?? '', mentions },
        };
      case 'post':
        return { kind: 'message', inbound: { kind: 'message', ...base, text: postText(content), mentions } };
      case 'file':
        return {
          kind: 'file',
          messageId,
          chatId,
          senderId,
          fileKey: str(content.file_key) ?? '',
          fileName: str(content.file_name) ?? '',
        };
      default:
        return { kind: 'ignored', reason: `message type ${String(message.message_type)}` };
    }
  }

  if (type === 'card.action.trigger') {
    const operator = str(obj(event.operator).open_id);
    const context = obj(event.context);
    const action = obj(event.action);
    const messageId = str(context.open_message_id) ?? str(event.open_message_id);
    const chatId = str(context.open_chat_id) ?? str(event.open_chat_id);
    if (!operator || !messageId || !chatId || !eventId)
      return { kind: 'ignored', reason: 'incomplete card action' };
    return {
      kind: 'action',
      inbound: {
        kind: 'action',
        platform: LARK_PLATFORM,
        eventKey: eventId,
        messageId,
        chatId,
        // Lark does not say whether the card sits in a group; replies go to the card's chat either way.
        chatType: chatId.startsWith('oc_') ? 'group' : 'p2p',
        sender: { userId: operator },
        value: action.value,
        form: normaliseFormValue(obj(action.form_value)),
        ...(str(event.token) ? { updateToken: str(event.token) } : {}),
      },
    };
  }

  if (type === 'application.bot.menu_v6') {
    const operator = str(obj(obj(event.operator).operator_id).open_id);
    const key = str(event.event_key);
    if (!operator || !key || !eventId) return { kind: 'ignored', reason: 'incomplete menu event' };
    return {
      kind: 'message',
      inbound: {
        kind: 'message',
        platform: LARK_PLATFORM,
        eventKey: eventId,
        messageId: eventId,
        chatId: '',
        chatType: 'p2p',
        sender: { userId: operator },
        // A menu key names a command (e.g. `help`, or `member list`).
        text: `/${key.replace(/^\//, '')}`,
        mentions: [],
        answerDirectly: true,
      },
    };
  }

  if (type === 'im.chat.member.bot.added_v1') {
    const chatId = str(event.chat_id);
    return chatId && eventId
      ? { kind: 'welcome', eventKey: eventId, to: { chatId } }
      : { kind: 'ignored', reason: 'no chat' };
  }

  if (type === 'im.chat.access_event.bot_p2p_chat_entered_v1') {
    const userId = str(obj(obj(event.operator_id)).open_id);
    return userId && eventId
      ? { kind: 'welcome', eventKey: eventId, to: { userId } }
      : { kind: 'ignored', reason: 'no user' };
  }

  return { kind: 'ignored', reason: `event ${type ?? 'without type'}` };
}
