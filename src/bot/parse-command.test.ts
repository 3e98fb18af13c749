import { describe, expect, it } from 'vitest';
import { closest } from '../domain/closest.ts';
import { parseCommandText, tokenize } from './parse-command.ts';

describe('parseCommandText', () => {
  it('reads the name without its slash, lower-cased', () => {
    expect(parseCommandText('/Help').name).toBe('help');
    expect(parseCommandText('／帮助').name).toBe('帮助');
    expect(parseCommandText('我是谁').name).toBe('我是谁');
  });

  it('strips the bot mention and keeps other mentions in order', () => {
    const parsed = parseCommandText('@_user_1 /member add @_user_2 区商务局 联络员', [
      { key: '@_user_1', userId: 'bot', name: '机器人', isBot: true },
      { key: '@_user_2', userId: 'ou_2', name: '王晓明' },
    ]);
    expect(parsed).toEqual({
      name: 'member',
      words: ['add', '区商务局', '联络员'],
      options: {},
      mentions: [{ key: '@_user_2', userId: 'ou_2', name: '王晓明' }],
    });
  });

  it('does not confuse @_user_1 with @_user_10', () => {
    const mentions = Array.from({ length: 10 }, (_, i) => ({
      key: `@_user_${i + 1}`,
      userId: `u${i + 1}`,
      name: `n${i + 1}`,
    }));
    const parsed = parseCommandText('/x @_user_10 @_user_1', mentions);
    expect(parsed.mentions.map((m) => m.userId)).toEqual(['u10', 'u1']);
  });

  it('keeps quoted arguments together, with ASCII or Chinese quotes', () => {
    expect(tokenize('/plan new "2026 年 联合 计划" “市场 监管”')).toEqual([
      '/plan',
      'new',
      '2026 年 联合 计划',
      '市场 监管',
    ]);
    expect(tokenize('a\u3000b')).toEqual(['a', 'b']);
    expect(tokenize('a "" b')).toEqual(['a', '', 'b']);
  });

  it('reads --options with = or a following value', () => {
    expect(parseCommandText('/audit list --limit 5 --json --action=member.bind').options).toEqual({
      limit: '5',
      json: true,
      action: 'member.bind',
    });
  });
});

describe('closest', () => {
  it('finds a typo, a swap of letters, and nothing for a stranger word', () => {
    expect(closest('hlep', ['help', 'whoami', 'member'])).toBe('help');
    expect(closest('memeber', ['help', 'whoami', 'member'])).toBe('member');
    expect(closest('xyz', ['help', 'whoami', 'member'])).toBeUndefined();
    expect(closest('成圆', ['成员', '帮助'])).toBe('成员');
  });
});
