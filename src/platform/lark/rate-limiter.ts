// Keeps outbound calls inside Lark's limits: per app (50/s and 1,000/min for the message APIs) and per chat
// and per user (5/s each). Sliding windows of send times; `acquire` waits until every window has room.
// The limits are per process: instances sharing one app should divide them (settable).

export interface RateLimits {
  appPerSecond: number;
  appPerMinute: number;
  chatPerSecond: number;
  userPerSecond: number;
}

const SKEW_MARGIN_MS = 25;

export const defaultRateLimits: RateLimits = {
  appPerSecond: 50,
  appPerMinute: 1000,
  chatPerSecond: 5,
  userPerSecond: 5,
};

class Window {
  private readonly times: number[] = [];
  constructor(
    readonly limit: number,
    readonly spanMs: number,
  ) {}
  /**
   * Milliseconds until one more call fits (0 = now). Each window is kept a little longer than its span,
   * because Lark counts arrivals, which network jitter can bring closer together than our departures.
   */
  wait(now: number): number {
    const span = this.spanMs + SKEW_MARGIN_MS;
    while (this.times.length > 0 && this.times[0]! <= now - span) this.times.shift();
    return this.times.length < this.limit ? 0 : this.times[0]! + span - now;
  }
  record(now: number) {
    this.times.push(now);
  }
}

export function createRateLimiter(limits: RateLimits, now: () => number = Date.now) {
  const app = [new Window(limits.appPerSecond, 1000), new Window(limits.appPerMinute, 60_000)];
  const perTarget = new Map<string, Window>();
  let queue: Promise<void> = Promise.resolve();

  const target = (key: string) => {
    let w = perTarget.get(key);
    if (!w) {
      w = new Window(key.startsWith('user:') ? limits.userPerSecond : limits.chatPerSecond, 1000);
      perTarget.set(key, w);
    }
    return w;
  };

  /** Resolves when a call to `targetKey` (`chat:oc_…` or `user:ou_…`) may go out; calls are granted in order. */
  function acquire(targetKey: string): Promise<void> {
    const turn = queue.then(async () => {
      const windows = [...app, target(targetKey)];
      for (;;) {
        const t = now();
        const wait = Math.max(...windows.map((w) => w.wait(t)));
        if (wait === 0) {
          for (const w of windows) w.record(t);
          return;
        }
        await new Promise((r) => setTimeout(r, wait));
      }
    });
    queue = turn.catch(() => undefined);
    if (perTarget.size > 10_000) perTarget.clear();
    return turn;
  }

  return { acquire };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
