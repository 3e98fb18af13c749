import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, configKeys, parseConfig } from './config.ts';

function problems(env: Record<string, string>) {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('runs the local workspace with no settings at all', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      PLATFORM: 'local',
      PORT: 3000,
      DATA_DIR: './data',
      TZ: 'Asia/Shanghai',
      LARK_MODE: 'webhook',
      LARK_DOMAIN: 'https://open.feishu.cn',
    });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('treats empty values (as in a copied .env.example) as unset', () => {
    expect(parseConfig({ PLATFORM: '', DATABASE_URL: '', LARK_APP_ID: '', PORT: '' }).PLATFORM).toBe('local');
  });

  it('chooses Lark when credentials are set', () => {
    const config = parseConfig({ LARK_APP_ID: 'cli_a', LARK_APP_SECRET: 's', LARK_ENCRYPT_KEY: 'k' });
    expect(config.PLATFORM).toBe('lark');
  });

  it('stops when LARK_APP_ID is set without LARK_APP_SECRET, naming the missing variable', () => {
    const error = problems({ LARK_APP_ID: 'cli_a', LARK_ENCRYPT_KEY: 'k' });
    expect(error.problems.map((p) => p.variable)).toEqual(['LARK_APP_SECRET']);
    expect(error.message).toContain('LARK_APP_SECRET');
  });

  it('never falls back to the local workspace when only the secret is set', () => {
    expect(problems({ LARK_APP_SECRET: 's' }).problems.map((p) => p.variable)).toContain('LARK_APP_ID');
  });

  it('refuses webhook mode without an encrypt key, saying where to set it', () => {
    const error = problems({ LARK_APP_ID: 'a', LARK_APP_SECRET: 's' });
    expect(error.problems[0]).toMatchObject({ variable: 'LARK_ENCRYPT_KEY' });
    expect(error.message).toContain('加密策略');
  });

  it('names LARK_MODE and its allowed values', () => {
    const error = problems({ LARK_MODE: 'foo' });
    expect(error.message).toMatch(/LARK_MODE: 取值必须是 webhook 或 ws（当前为 "foo"）/);
  });

  it('rejects a bad port, time zone and database URL, one line each', () => {
    const error = problems({ PORT: 'eighty', TZ: 'Mars/Base', DATABASE_URL: 'mysql://x' });
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['DATABASE_URL', 'PORT', 'TZ']);
  });

  it('reads the Lark rate limits, and names a malformed value', () => {
    expect(parseConfig({}).LARK_RATE_LIMITS).toEqual({
      appPerSecond: 50,
      appPerMinute: 1000,
      chatPerSecond: 5,
      userPerSecond: 5,
    });
    expect(parseConfig({ LARK_RATE_LIMITS: '25, 500, 5, 5' }).LARK_RATE_LIMITS.appPerSecond).toBe(25);
    expect(problems({ LARK_RATE_LIMITS: '50/s' }).message).toContain('LARK_RATE_LIMITS: 格式为');
    expect(problems({ LARK_RATE_LIMITS: '0,1000,5,5' }).message).toContain('大于 0');
  });

  it('never echoes a secret back', () => {
    const error = problems({ LARK_APP_ID: 'a', LARK_APP_SECRET: '   ', LARK_ENCRYPT_KEY: 'k' });
    expect(error.message).not.toContain('当前为');
  });

  it('.env.example lists every variable, in the schema order', () => {
    const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    const listed = [...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]);
    expect(listed).toEqual(configKeys);
  });
});
