import { describe, expect, it } from 'vitest';
import type { OutboxPayload, Store } from '../../app/ports.ts';
import type { Dispatcher } from '../../bot/dispatch.ts';
import { createLarkReceiver } from './receiver.ts';

const click = {
  schema: '2.0',
  header: { event_id: 'ev_slow', event_type: 'card.action.trigger' },
  event: {
    operator: { open_id: 'ou_1' },
    token: 'c-update-token',
    action: { tag: 'button', value: { cmd: 'x', action: 'slow' } },
    context: { open_message_id: 'om_card', open_chat_id: 'oc_1' },
  },
};

describe('the Lark receiver', () => {
  it('answers a slow card click within Lark’s 3 s with a toast, and updates the card afterwards by token', async () => {
    const queued: { payload: OutboxPayload; key: string }[] = [];
    const store = {
      outbox: {
        enqueue: async (_p: string, payload: OutboxPayload, key: string) =>
          void queued.push({ payload, key }),
      },
    };
    const dispatcher = {
      handleAction: () =>
        new Promise((resolve) =>
          setTimeout(() => resolve({ card: { header: { title: '完成' }, elements: [] } }), 3_000),
        ),
    };
    const receiver = createLarkReceiver({
      dispatcher: dispatcher as unknown as Dispatcher,
      store: store as unknown as Store,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      botOpenId: () => 'ou_bot',
      onOutbox: () => {},
    });
    const started = Date.now();
    const answer = await receiver.onEvent(click);
    expect(Date.now() - started).toBeLessThan(2_900);
    expect(answer).toEqual({ toast: { type: 'info', content: '正在处理，稍后更新卡片…' } });
    await receiver.idle();
    expect(queued).toEqual([
      {
        key: 'ev_slow#update',
        payload: {
          op: 'update',
          messageId: 'om_card',
          card: { header: { title: '完成' }, elements: [] },
          updateToken: 'c-update-token',
        },
      },
    ]);
  });
});
