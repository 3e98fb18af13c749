// The local workspace types mentions as plain `@名字`. This turns them into Lark-style placeholders plus a
// mention list, so the dispatcher sees the same shape from either platform.
import type { Mention } from '../../bot/parse-command.ts';

export const BOT_NAMES = ['联络员机器人', '机器人'];
export const BOT_USER_ID = 'bot';

export function extractMentions(
  text: string,
  directory: readonly { userId: string; displayName: string }[],
): { text: string; mentions: Mention[] } {
  const mentions: Mention[] = [];
  // Longest names first, so "@王晓明明" is not read as "@王晓明".
  const names = [
    ...BOT_NAMES.map((name) => ({ userId: BOT_USER_ID, displayName: name, isBot: true })),
    ...directory.map((u) => ({ ...u, isBot: false })),
  ].sort((a, b) => b.displayName.length - a.displayName.length);
  const out = text.replace(/@(\S+)/g, (whole, word: string) => {
    const match = names.find((n) => word.startsWith(n.displayName));
    if (!match) return whole;
    const key = `@_user_${mentions.length + 1}`;
    mentions.push({
      key,
      userId: match.userId,
      name: match.displayName,
      ...(match.isBot ? { isBot: true } : {}),
    });
    return `${key}${word.slice(match.displayName.length)}`;
  });
  return { text: out, mentions };
}
