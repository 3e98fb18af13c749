// Turns a chat message into a command name, positional words, --options and the users it mentions.
// Lark writes mentions into the text as placeholders (`@_user_1`) with a side list of who they are; the
// local workspace does the same. The bot's own mention is dropped; other users' become `mentions`.

export interface Mention {
  /** The placeholder in the text, e.g. `@_user_1`. */
  key: string;
  userId: string;
  name: string;
  isBot?: boolean;
}

export interface ParsedText {
  /** Lower-cased first word, without a leading slash; '' when the message has no words. */
  name: string;
  words: string[];
  options: Record<string, string | true>;
  mentions: Mention[];
}

const QUOTES: Record<string, string> = { '"': '"', "'": "'", '“': '”', '「': '」', '『': '』', '‘': '’' };
const SPACE = /[\s\u3000]/;

/** Splits on spaces (also the ideographic space), keeping quoted runs together. */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let current = '';
  let inToken = false;
  let closing: string | undefined;
  for (const ch of text) {
    if (closing) {
      if (ch === closing) closing = undefined;
      else current += ch;
      continue;
    }
    if (QUOTES[ch] !== undefined) {
      closing = QUOTES[ch];
      inToken = true;
      continue;
    }
    if (SPACE.test(ch)) {
      if (inToken) tokens.push(current);
      current = '';
      inToken = false;
      continue;
    }
    current += ch;
    inToken = true;
  }
  if (inToken) tokens.push(current);
  return tokens;
}

export function parseCommandText(text: string, mentions: readonly Mention[] = []): ParsedText {
  let body = text;
  const users: Mention[] = [];
  // Longest keys first, so `@_user_10` is not eaten by `@_user_1`.
  const ordered = [...mentions].sort((a, b) => b.key.length - a.key.length);
  const positions: { at: number; mention: Mention }[] = [];
  for (const mention of ordered) {
    let at = body.indexOf(mention.key);
    while (at !== -1) {
      if (!mention.isBot) positions.push({ at, mention });
      body = `${body.slice(0, at)} ${' '.repeat(mention.key.length - 1)}${body.slice(at + mention.key.length)}`;
      at = body.indexOf(mention.key);
    }
  }
  for (const p of positions.sort((a, b) => a.at - b.at)) users.push(p.mention);

  const tokens = tokenize(body.trim());
  const first = tokens.shift() ?? '';
  const name = first.replace(/^[/／]+/, '').toLowerCase();
  const words: string[] = [];
  const options: Record<string, string | true> = {};
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const option = /^(?:--|——)([^=\s]+)(?:=(.*))?$/.exec(token);
    if (!option) {
      words.push(token);
      continue;
    }
    const key = option[1]!;
    if (option[2] !== undefined) options[key] = option[2];
    else if (tokens[i + 1] !== undefined && !tokens[i + 1]!.startsWith('--')) options[key] = tokens[++i]!;
    else options[key] = true;
  }
  return { name, words, options, mentions: users };
}
