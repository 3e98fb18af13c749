// One real browser drives the local workspace: pick a user, type /help, see the card, click a button.
// Debian's chromium is driven by playwright-core (a browser download does not work on these machines).
// Without Chromium the test is skipped with a notice, so `npm test` passes on a newcomer's machine; CI
// installs Chromium and runs it.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, serverData, startServerProcess } from '../support/server-process.ts';

const executablePath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (!executablePath) {
  console.warn('[跳过] 浏览器测试：未找到 Chromium（Debian：apt-get install chromium）。CI 会安装并运行它。');
}

describe.skipIf(!executablePath)('the local workspace in a real browser', () => {
  let data: Awaited<ReturnType<typeof serverData>>;
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => {
    data = await serverData();
    server = await startServerProcess(data.env);
    browser = await chromium.launch({
      executablePath: executablePath!,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await data?.dispose();
  });

  it('picks a user, types /help, sees the card and clicks a button on it', async () => {
    const page = await browser.newPage({ locale: 'zh-CN' });
    await page.goto(`http://localhost:${server.port}/`);
    await page.locator('#who').selectOption('zhou.mingyuan');
    await expect.poll(() => page.locator('#binding').textContent()).toContain('联席会议办公室');
    await expect.poll(() => page.evaluate(() => document.body.dataset.live)).toBe('1');

    await page.locator('#input').fill('/help');
    await page.locator('#input').press('Enter');
    const helpCard = page.locator('.card', { hasText: '联络员机器人 · 帮助' });
    await helpCard.waitFor({ timeout: 15_000 });
    expect(await helpCard.locator('header').textContent()).toContain('周明远');

    await helpCard.getByRole('button', { name: '/member 成员' }).click();
    const usage = page.locator('.card', { hasText: '/member add @用户 <部门> <角色>' });
    await usage.waitFor({ timeout: 15_000 });
    // The card was updated in place: still one bot card in the chat.
    expect(await page.locator('.msg .card').count()).toBe(1);
    await page.screenshot({ path: join(tmpdir(), 'jointcheck-local-workspace.png'), fullPage: true });
  });

  it('shows an unbound user who can bind them', async () => {
    const page = await browser.newPage({ locale: 'zh-CN' });
    await page.goto(`http://localhost:${server.port}/`);
    await page.locator('#who').selectOption('qian.duoduo');
    await page.locator('#input').fill('/member list');
    await page.locator('#input').press('Enter');
    const card = page.locator('.card', { hasText: '您还没有绑定' });
    await card.waitFor({ timeout: 15_000 });
    expect(await card.textContent()).toContain('周明远');
  });
});
