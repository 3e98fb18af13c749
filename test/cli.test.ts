// Bootstrapping a workspace with no demo data (a Lark deployment) from the command line.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.ts';
import { cliOn } from './support/cli.ts';
import { freshDb, type TestDb } from './support/test-db.ts';

let t: TestDb;
beforeAll(async () => {
  t = await freshDb();
});
afterAll(() => t.close());

const cli = cliOn(
  () => t,
  parseConfig({ LARK_APP_ID: 'cli_a', LARK_APP_SECRET: 's', LARK_ENCRYPT_KEY: 'k' }),
);

describe('jointcheck CLI', () => {
  it('adds departments and binds the first office member', async () => {
    expect(
      (await cli('dept', 'add', '--code', 'scjgj', '--name', '某县市场监督管理局', '--short', '县市场监管局'))
        .code,
    ).toBe(0);
    const again = await cli('dept', 'add', '--code', 'other', '--name', '某县市场监督管理局');
    expect(again.code).toBe(1);
    expect(again.err).toContain('已有');
    const bound = await cli(
      'member',
      'add',
      '--user',
      'ou_123',
      '--name',
      '张三',
      '--dept',
      '县市场监管局',
      '--role',
      '办公室',
    );
    expect(bound).toMatchObject({ code: 0, out: expect.stringContaining('张三（某县市场监督管理局）') });
    const list = JSON.parse((await cli('member', 'list', '--json')).out);
    expect(list).toEqual([
      { name: '张三', department: 'scjgj', roles: ['office'], platform: 'lark', user: 'ou_123' },
    ]);
  });

  it('runs the deadline checks once, now', async () => {
    const run = await cli('job', 'run');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(
      /^期限检查（\d{4}-\d{2}-\d{2} \d{1,2} 时）：提醒会审 0 项，逾期会审报办公室 0 项，催办选派检查人员 0 项。消息已进入发送队列，服务运行时发出。$/,
    );
  });

  it('sets the workspace’s rules within their bounds, and lists them with their defaults', async () => {
    const before = JSON.parse((await cli('setting', 'list', '--json')).out);
    expect(before).toContainEqual(expect.objectContaining({ name: 'tasks.acceptanceDays', value: 3 }));
    expect(before).toContainEqual(expect.objectContaining({ name: 'plans.generalCeiling', value: null }));
    const bad = await cli('setting', 'set', 'tasks.acceptanceDays', '2.5');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('tasks.acceptanceDays 应为 1–15 之间的整数，收到“2.5”');
    expect((await cli('setting', 'set', 'no.such', '1')).err).toContain('没有设置“no.such”');
    expect((await cli('setting', 'set', 'plans.generalCeiling', '20%')).out).toBe(
      'plans.generalCeiling = 20',
    );
    const after = JSON.parse((await cli('setting', 'list', '--json')).out);
    expect(after).toContainEqual(expect.objectContaining({ name: 'plans.generalCeiling', value: 20 }));
  });

  it('explains wrong usage with exit code 2', async () => {
    const result = await cli('member', 'add', '--user', 'ou_9');
    expect(result.code).toBe(2);
    expect(result.err).toContain('member add 需要 --user、--dept 和 --role');
    expect((await cli('frobnicate')).code).toBe(2);
  });

  it('refuses demo data outside the local workspace', async () => {
    const result = await cli('seed', 'demo');
    expect(result.code).toBe(2);
    expect(result.err).toContain('飞书部署不载入演示数据');
  });
});
