// Cards that stay true (issue "cards stay true"): every card showing a record is remembered as a copy of its
// subject ("plan:12", "task:3"); when the record changes, every copy is updated in place, queued in the same
// transaction as the change. Also the small helpers that send a record's card or a notice to people.
import type { Card } from '../cards/card.ts';
import type { ChatRef, Person, Repos } from './ports.ts';

/** Queues an update of every copy of `subject` to `card`; `stamp` (e.g. `v3`) keys the updates once per change. */
export async function refreshCopies(tx: Repos, subject: string, stamp: string, card: Card): Promise<void> {
  const copies = await tx.cardCopies.list(subject);
  for (const [i, copy] of copies.entries()) {
    await tx.outbox.enqueue(
      copy.platform,
      {
        op: 'update',
        ...('outboxKey' in copy ? { messageKey: copy.outboxKey } : { messageId: copy.messageId }),
        card,
      },
      `${subject}@${stamp}#${i}`,
    );
  }
}

/** Sends a card showing `subject` and remembers the copy. */
export async function sendTracked(
  tx: Repos,
  platform: string,
  to: ChatRef,
  subject: string,
  key: string,
  card: Card,
): Promise<void> {
  await tx.outbox.enqueue(platform, { op: 'send', message: { to, card } }, key);
  await tx.cardCopies.add(subject, platform, { outboxKey: key });
}

/** A direct message to each of `people` bound on this platform. */
export async function tell(tx: Repos, platform: string, people: Person[], text: string, key: string) {
  for (const p of people) {
    if (p.chatPlatform !== platform || !p.chatUserId) continue;
    await tx.outbox.enqueue(
      platform,
      { op: 'send', message: { to: { userId: p.chatUserId }, text } },
      `${key}:${p.id}`,
    );
  }
}

export const liaisonsOf = async (tx: Repos, departmentId: number) =>
  (await tx.people.listByDepartment(departmentId)).filter((p) => p.roles.includes('liaison'));

const OFFICE_CHAT = 'office.chat';

/** The office's group chat on this platform, if the office designated one (`/office here`). */
export async function officeChat(repos: Repos, platform: string): Promise<string | undefined> {
  const chat = await repos.settings.get<{ platform: string; chatId: string }>(OFFICE_CHAT);
  return chat?.platform === platform ? chat.chatId : undefined;
}

export async function setOfficeChat(repos: Repos, platform: string, chatId: string): Promise<void> {
  await repos.settings.set(OFFICE_CHAT, { platform, chatId });
}

/**
 * Sends a card (tracked under `subject`) or a text to the office: to its group chat, or, until it has one, to
 * each office member directly (but `except`, the person who caused it).
 */
export async function toOffice(
  tx: Repos,
  platform: string,
  key: string,
  message: { card: Card; subject: string } | { text: string },
  except?: number,
): Promise<void> {
  const chat = await officeChat(tx, platform);
  const targets: [ChatRef, string][] = chat
    ? [[{ chatId: chat }, `${key}:office`]]
    : (await tx.people.listWithRole('office'))
        .filter((p) => p.chatPlatform === platform && p.chatUserId && p.id !== except)
        .map((p) => [{ userId: p.chatUserId! }, `${key}:office:${p.id}`]);
  for (const [to, k] of targets) {
    if ('card' in message) await sendTracked(tx, platform, to, message.subject, k, message.card);
    else await tx.outbox.enqueue(platform, { op: 'send', message: { to, text: message.text } }, k);
  }
}
