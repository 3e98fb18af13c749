// Storage of the local workspace's messages, so the conversation survives a restart.
import { desc, eq, sql } from 'drizzle-orm';
import { localMessages } from '../../drizzle/schema.ts';
import type { LocalChatLog, LocalMessage } from '../app/ports.ts';
import type { Card } from '../cards/card.ts';
import type { Db } from './db.ts';

type Row = typeof localMessages.$inferSelect;
const toMessage = (r: Row): LocalMessage => ({
  id: r.id,
  messageId: r.messageId,
  chatId: r.chatId,
  senderKind: r.senderKind as LocalMessage['senderKind'],
  senderId: r.senderId,
  text: r.text,
  card: (r.card as Card | null) ?? null,
  replyTo: r.replyTo,
  fileKey: r.fileKey,
  fileName: r.fileName,
  version: r.version,
  createdAt: r.createdAt.toISOString(),
});

export function createLocalChatLog(db: Db): LocalChatLog {
  const get = async (messageId: string) => {
    const [row] = await db.select().from(localMessages).where(eq(localMessages.messageId, messageId));
    return row && toMessage(row);
  };
  return {
    async add(m) {
      await db
        .insert(localMessages)
        .values({ ...m, card: m.card })
        .onConflictDoNothing({ target: localMessages.messageId });
      return (await get(m.messageId))!;
    },
    async updateCard(messageId, card) {
      const [row] = await db
        .update(localMessages)
        .set({ card, version: sql`${localMessages.version} + 1`, updatedAt: new Date() })
        .where(eq(localMessages.messageId, messageId))
        .returning();
      return row && toMessage(row);
    },
    get,
    async list(chatId, limit) {
      const rows = await db
        .select()
        .from(localMessages)
        .where(eq(localMessages.chatId, chatId))
        .orderBy(desc(localMessages.id))
        .limit(limit);
      return rows.reverse().map(toMessage);
    },
  };
}
