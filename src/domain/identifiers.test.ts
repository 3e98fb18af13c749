import { describe, expect, it } from 'vitest';
import { checkTargetCode, isValidRegNo15, usccCheckChar } from './identifiers.ts';

describe('统一社会信用代码 (GB 32100-2015)', () => {
  it('computes the check character of the standard’s worked example', () => {
    expect(usccCheckChar('91350100M000100Y4')).toBe('3');
    expect(checkTargetCode('91350100M000100Y43')).toEqual({
      ok: true,
      code: '91350100M000100Y43',
      kind: 'uscc',
    });
    expect(checkTargetCode('91350100M000100Y4Z')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('应为 3'),
    });
  });

  it('accepts real listed companies’ codes (shared/data README §5)', () => {
    for (const code of [
      '91440300192317458F',
      '9144030010001686XA',
      '91520000214434146R',
      '91110000705514765U',
    ]) {
      expect(checkTargetCode(code)).toEqual({ ok: true, code, kind: 'uscc' });
    }
  });

  it('rejects a code a public fixture got wrong, naming the right check character', () => {
    expect(checkTargetCode('911100001000013428')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('应为 C'),
    });
  });

  it('folds full-width characters, spaces and lower case before checking', () => {
    expect(checkTargetCode(' ９１４４０３００１９２３１７４５８ｆ ')).toMatchObject({
      ok: true,
      code: '91440300192317458F',
    });
  });

  it('rejects letters the character set leaves out (I, O, S, V, Z)', () => {
    expect(checkTargetCode('9144030019231O458F')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('不允许的字符'),
    });
  });
});

describe('注册号 (ISO 7064 MOD 11,10)', () => {
  it('accepts 中航重机’s 注册号 and rejects one wrong digit', () => {
    expect(isValidRegNo15('520000000005018')).toBe(true);
    expect(isValidRegNo15('520000000005019')).toBe(false);
    expect(checkTargetCode('520000000005018')).toEqual({ ok: true, code: '520000000005018', kind: 'regno' });
  });
});

describe('other identifiers', () => {
  it('accepts a legacy number with a warning', () => {
    expect(checkTargetCode('3301062015292')).toMatchObject({
      ok: true,
      kind: 'other',
      warning: expect.any(String),
    });
  });

  it('says a code turned into a number lost its digits, and how to fix the export', () => {
    expect(checkTargetCode('9.13301E+17')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('请将该列设为文本格式后重新导出'),
    });
    expect(checkTargetCode('91330100716103574')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('位数不对'),
    });
  });
});
