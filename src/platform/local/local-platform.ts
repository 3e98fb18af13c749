// The local workspace as a chat platform: "sending" stores the message in the local chat log and tells the
// open web pages. The message id is derived from the outbox key, so a retried send stores nothing twice. A file
// the bot sends is written to the workspace's file folder, where the page offers it for download.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalChatLog, Platform } from '../../app/ports.ts';
import { BOT_USER_ID } from './mentions.ts';

export const OFFICE_GROUP_ID = 'group:office';
export const dmChatId = (userId: string) => `dm:${userId}`;

export function createLocalPlatform(log: LocalChatLog, notify: (chatId: string) => void, fileDir: string) {
  const platform: Platform = {
    name: 'local',
    async send(message, idempotencyKey) {
      const chatId = 'chatId' in message.to ? message.to.chatId : dmChatId(message.to.userId);
      const id = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 24);
      const messageId = `lm_${id}`;
      let file: { fileKey: string; fileName: string } | undefined;
      if (message.file) {
        file = { fileKey: `lb_${id}`, fileName: message.file.name };
        await mkdir(fileDir, { recursive: true });
        await writeFile(join(fileDir, file.fileKey), Buffer.from(message.file.base64, 'base64'), {
          mode: 0o600,
        });
      }
      const stored = await log.add({
        ...file,
        messageId,
        chatId,
        senderKind: 'bot',
        senderId: BOT_USER_ID,
        text: message.text ?? (file ? `📎 ${file.fileName}` : null),
        card: message.card ?? null,
        replyTo: message.replyTo ?? null,
      });
      notify(stored.chatId);
      return { messageId: stored.messageId };
    },
    async updateCard(messageId, card) {
      const updated = await log.updateCard(messageId, card);
      if (!updated) throw new Error(`local message ${messageId} not found`);
      notify(updated.chatId);
    },
  };
  return platform;
}
