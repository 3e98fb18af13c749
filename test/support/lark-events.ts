// Lark event payloads as Lark sends them: schema 2.0 envelopes, AES-256-CBC encrypted with the app's encrypt
// key (key = SHA-256 of the encrypt key, IV prepended, base64), signed over the raw body.
import { createCipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';

export const ENCRYPT_KEY = 'test-encrypt-key';
export const VERIFICATION_TOKEN = 'test-verification-token';
export const BOT_OPEN_ID = 'ou_bot';

export function encrypt(payload: unknown, key = ENCRYPT_KEY): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', createHash('sha256').update(key).digest(), iv);
  return Buffer.concat([iv, cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]).toString(
    'base64',
  );
}

/** The raw body and headers of a webhook push. */
export function signedRequest(payload: unknown, options: { key?: string; signWith?: string } = {}) {
  const body = JSON.stringify({ encrypt: encrypt(payload, options.key) });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(8).toString('hex');
  const signature = createHash('sha256')
    .update(timestamp + nonce + (options.signWith ?? options.key ?? ENCRYPT_KEY) + body)
    .digest('hex');
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-lark-request-timestamp': timestamp,
      'x-lark-request-nonce': nonce,
      'x-lark-signature': signature,
    },
  };
}

const header = (eventType: string, eventId = randomUUID().replace(/-/g, '')) => ({
  event_id: eventId,
  event_type: eventType,
  create_time: String(Date.now()),
  token: VERIFICATION_TOKEN,
  app_id: 'cli_a1b2c3d4e5f6a7b8',
  tenant_key: 'tenant',
});

export interface MessageOptions {
  text: string;
  from: string;
  chatType?: 'p2p' | 'group';
  chatId?: string;
  messageId?: string;
  /** Mentions in order; `bot` mentions the bot. Their placeholders must appear in `text`. */
  mentions?: ({ bot: true } | { openId: string; name: string })[];
  threadId?: string;
  rootId?: string;
}

export function messageEvent(o: MessageOptions) {
  const messageId = o.messageId ?? `om_${randomUUID().replace(/-/g, '')}`;
  return {
    schema: '2.0',
    header: header('im.message.receive_v1'),
    event: {
      sender: {
        sender_id: { open_id: o.from, union_id: `on_${o.from}` },
        sender_type: 'user',
        tenant_key: 'tenant',
      },
      message: {
        message_id: messageId,
        ...(o.rootId ? { root_id: o.rootId, parent_id: o.rootId } : {}),
        ...(o.threadId ? { thread_id: o.threadId } : {}),
        create_time: String(Date.now()),
        chat_id: o.chatId ?? `oc_${o.chatType === 'group' ? 'group' : `p2p_${o.from}`}`,
        chat_type: o.chatType ?? 'p2p',
        message_type: 'text',
        content: JSON.stringify({ text: o.text }),
        mentions: (o.mentions ?? []).map((m, i) => ({
          key: `@_user_${i + 1}`,
          id: { open_id: 'bot' in m ? BOT_OPEN_ID : m.openId },
          name: 'bot' in m ? '联络员机器人' : m.name,
          tenant_key: 'tenant',
        })),
      },
    },
  };
}

export function cardActionEvent(o: {
  operator: string;
  messageId: string;
  chatId: string;
  value: unknown;
  form?: Record<string, unknown>;
}) {
  return {
    schema: '2.0',
    header: header('card.action.trigger'),
    event: {
      operator: { open_id: o.operator, tenant_key: 'tenant' },
      token: 'c-delayed-update-token',
      action: { tag: 'button', value: o.value, ...(o.form ? { form_value: o.form } : {}) },
      host: 'im_message',
      context: { open_message_id: o.messageId, open_chat_id: o.chatId },
    },
  };
}

export const challenge = (value: string) => ({
  challenge: value,
  token: VERIFICATION_TOKEN,
  type: 'url_verification',
});
