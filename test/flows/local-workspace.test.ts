// The local workspace end to end, through HTTP, against the real server process.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  runCliProcess,
  type ServerProcess,
  serverData,
  startServerProcess,
} from '../support/server-process.ts';
import { onPostgres } from '../support/test-db.ts';

let data: Awaited<ReturnType<typeof serverData>>;
let server: ServerProcess;

beforeAll(async () => {
  data = await serverData();
  server = await startServerProcess(data.env);
});
afterAll(async () => {
  await server?.stop();
  await data?.dispose();
});

const json = { 'content-type': 'application/json' };
let counter = 0;

async function say(as: string, text: string, chat = `dm:${as}`) {
  const res = await fetch(`${server.url}/api/messages`, {
    method: 'POST',
    headers: { ...json, origin: server.url },
    body: JSON.stringify({ as, chat, text, clientId: `test-${Date.now()}-${counter++}` }),
  });
  expect(res.status).toBe(202);
}

async function messages(as: string, chat = `dm:${as}`) {
  const res = await fetch(`${server.url}/api/messages?as=${as}&chat=${encodeURIComponent(chat)}`);
  return (await res.json()) as { senderKind: string; text: string | null; html: string | null }[];
}

async function waitForBotCards(as: string, count: number, chat = `dm:${as}`) {
  for (let i = 0; i < 100; i++) {
    const list = (await messages(as, chat)).filter((m) => m.senderKind === 'bot');
    if (list.length >= count) return list;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the bot did not answer');
}

function rawRequest(path: string, headers: Record<string, string>, method = 'GET'): Promise<number> {
  return new Promise((res, rej) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers }, (r) => {
      r.resume();
      res(r.statusCode ?? 0);
    });
    req.on('error', rej);
    req.end(method === 'POST' ? '{}' : undefined);
  });
}

describe('the local workspace', () => {
  it('serves the page and answers /help with a card', async () => {
    const page = await fetch(server.url);
    expect(await page.text()).toContain('本地工作区');
    await say('zhou.mingyuan', '/help');
    const [card] = await waitForBotCards('zhou.mingyuan', 1);
    expect(card!.html).toContain('联络员机器人 · 帮助');
  });

  it('refuses a request whose Host is not its own (DNS rebinding)', async () => {
    expect(await rawRequest('/api/users', { host: `evil.example:${server.port}` })).toBe(403);
    expect(await rawRequest('/api/users', { host: `localhost:${server.port}` })).toBe(200);
  });

  it('refuses a request sent by another web page', async () => {
    expect(
      await rawRequest(
        '/api/messages',
        { host: `localhost:${server.port}`, origin: 'http://evil.example' },
        'POST',
      ),
    ).toBe(403);
    expect(await rawRequest('/api/messages', { host: `localhost:${server.port}` }, 'POST')).toBe(403);
  });

  it('answers in the group only when addressed', async () => {
    await say('lin.hai', '大家好', 'group:office');
    await say('lin.hai', '@机器人 我是谁', 'group:office');
    const cards = await waitForBotCards('lin.hai', 1, 'group:office');
    expect(cards).toHaveLength(1);
    expect(cards[0]!.html).toContain('我是 林海');
  });

  it('imports a spreadsheet attached in the page', async () => {
    const upload = await fetch(
      `${server.url}/api/files?as=chen.jing&chat=${encodeURIComponent('dm:chen.jing')}`,
      {
        method: 'POST',
        headers: {
          origin: server.url,
          'x-file-name': encodeURIComponent('名录库.csv'),
          'content-type': 'application/octet-stream',
        },
        body: '企业名称,统一社会信用代码\n招商银行股份有限公司,9144030010001686XA\n',
      },
    );
    expect(upload.status).toBe(201);
    await say('chen.jing', '/import targets');
    let html = '';
    for (let i = 0; i < 50 && !html.includes('导入完成'); i++) {
      html = (await waitForBotCards('chen.jing', 1))[0]!.html ?? '';
      if (!html.includes('导入完成')) await new Promise((r) => setTimeout(r, 100));
    }
    // The progress card was updated into the report: still one bot card.
    expect(html).toContain('导入完成 · 检查对象名录库');
    expect(html).toContain('新增 1');
    expect((await messages('chen.jing')).filter((m) => m.senderKind === 'bot')).toHaveLength(1);
    const list = await messages('chen.jing');
    expect(list[0]!.text).toBe('📎 名录库.csv');
  });

  it('offers the error list of a refused import for download, to those in the chat only', async () => {
    const upload = await fetch(
      `${server.url}/api/files?as=chen.jing&chat=${encodeURIComponent('dm:chen.jing')}`,
      {
        method: 'POST',
        headers: {
          origin: server.url,
          'x-file-name': encodeURIComponent('有错.csv'),
          'content-type': 'application/octet-stream',
        },
        body: '企业名称,统一社会信用代码\n坏代码公司,9144030010001686XB\n',
      },
    );
    expect(upload.status).toBe(201);
    await say('chen.jing', '/import targets');
    let file: { messageId: string; file: { name: string } | null } | undefined;
    for (let i = 0; i < 50 && !file; i++) {
      const list = (await messages('chen.jing')) as unknown as {
        messageId: string;
        file: { name: string } | null;
      }[];
      file = list.find((m) => m.file?.name === '有错-错误.csv');
      if (!file) await new Promise((r) => setTimeout(r, 100));
    }
    const url = `${server.url}/api/messages/${file!.messageId}/file`;
    const download = await fetch(`${url}?as=chen.jing`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toContain(encodeURIComponent('有错-错误.csv'));
    expect(await download.text()).toContain('"2","统一社会信用代码/注册号"');
    // Someone outside that chat gets nothing.
    expect((await fetch(`${url}?as=wang.xiaoming`)).status).toBe(404);
  });

  it('keeps bindings and messages across a restart', async () => {
    await say('zhou.mingyuan', '/member add @冯小雨 区商务局 经办人');
    const before = await waitForBotCards('zhou.mingyuan', 2);
    expect(before[1]!.html).toContain('绑定成功');
    await server.stop();
    server = await startServerProcess(data.env, server.port);
    const after = await messages('zhou.mingyuan');
    expect(after.filter((m) => m.senderKind === 'user').map((m) => m.text)).toEqual([
      '/help',
      '/member add @冯小雨 区商务局 经办人',
    ]);
    const users = (await (await fetch(`${server.url}/api/users`)).json()) as {
      name: string;
      binding: string;
    }[];
    expect(users.find((u) => u.name === '冯小雨')?.binding).toBe('区商务局 · 经办人');
  });

  it.skipIf(onPostgres)('tells a CLI command run beside it what to do instead', () => {
    const result = runCliProcess(['audit', 'list'], data.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('正被另一个进程使用');
    expect(result.stderr).toContain('先停止正在运行的服务');
  });

  it('lets the CLI read the audit log once the server is stopped, with the refusal in it', async () => {
    await say('wang.xiaoming', '/member add @钱多多 区商务局 联络员');
    await waitForBotCards('wang.xiaoming', 1);
    await server.stop();
    const result = runCliProcess(['audit', 'list', '--json'], data.env);
    expect(result.code).toBe(0);
    const entries = JSON.parse(result.stdout) as { action: string; outcome: string; subject: string }[];
    expect(entries.at(-1)).toMatchObject({
      action: 'command.refused',
      outcome: 'refused',
      subject: '/member add',
    });
    expect(runCliProcess(['audit', 'verify'], data.env).code).toBe(0);
    server = await startServerProcess(data.env, server.port);
  });
});
