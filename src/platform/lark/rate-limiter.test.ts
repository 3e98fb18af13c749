import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter.ts';

const limits = { appPerSecond: 4, appPerMinute: 1000, chatPerSecond: 2, userPerSecond: 2 };

describe('the Lark rate limiter', () => {
  it('holds one chat to its limit per second', async () => {
    const limiter = createRateLimiter(limits);
    const start = Date.now();
    const granted: number[] = [];
    for (let i = 0; i < 5; i++) {
      await limiter.acquire('chat:oc_1');
      granted.push(Date.now() - start);
    }
    // Two now, two a second later, one a second after that.
    expect(granted[1]).toBeLessThan(200);
    expect(granted[2]).toBeGreaterThanOrEqual(1000);
    expect(granted[4]).toBeGreaterThanOrEqual(2000);
  });

  it('lets different chats go at once, up to the app limit', async () => {
    const limiter = createRateLimiter(limits);
    const start = Date.now();
    await Promise.all(['a', 'b', 'c', 'd'].map((c) => limiter.acquire(`chat:${c}`)));
    expect(Date.now() - start).toBeLessThan(200);
    await limiter.acquire('chat:e');
    expect(Date.now() - start).toBeGreaterThanOrEqual(1000);
  });
});
