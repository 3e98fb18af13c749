// Routes Lark events (from the webhook or the long connection) to the dispatcher. Events are acknowledged at
// once and processed afterwards; card callbacks must answer within 3 s, so a slow action answers with a
// "processing" toast and its card is updated through the outbox when it is done.
import type { Logger, Store } from '../../app/ports.ts';
import type { ActionResult } from '../../bot/define-command.ts';
import type { Dispatcher } from '../../bot/dispatch.ts';
import { normaliseLarkEvent } from './inbound.ts';
import { LARK_CARD_LIMIT_BYTES, renderLarkCard } from './render-card.ts';

/** Lark gives a callback 3 s; leave room for the network. */
const CALLBACK_BUDGET_MS = 2_500;

export interface LarkReceiverOptions {
  dispatcher: Dispatcher;
  store: Store;
  logger: Logger;
  /** The bot's own open_id, learnt at start (undefined until then: group messages are then ignored). */
  botOpenId: () => string | undefined;
  onOutbox: () => void;
}

/** The body Lark expects back from a card callback: `{}` or `{toast, card}`. */
export function toCallbackResponse(result: ActionResult): Record<string, unknown> {
  const response: Record<string, unknown> = {};
  if (result.toast) response.toast = { type: result.toast.type, content: result.toast.text };
  if (result.card) {
    const data = renderLarkCard(result.card);
    if (Buffer.byteLength(JSON.stringify(data)) <= LARK_CARD_LIMIT_BYTES)
      response.card = { type: 'raw', data };
  }
  return response;
}

export function createLarkReceiver(options: LarkReceiverOptions) {
  const { dispatcher, logger } = options;
  const inflight = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    const p = work
      .catch((error) =>
        logger.error('lark event failed', { error: String(error), stack: (error as Error)?.stack }),
      )
      .finally(() => inflight.delete(p));
    inflight.add(p);
  };

  async function onEvent(envelope: Record<string, unknown>): Promise<Record<string, unknown>> {
    const inbound = normaliseLarkEvent(envelope as never, options.botOpenId());
    switch (inbound.kind) {
      case 'message':
        // Recorded before the 200, processed after it: a crash in between is recovered, a duplicate ignored.
        if (await dispatcher.acceptMessage(inbound.inbound)) {
          track(dispatcher.handleMessage(inbound.inbound, { accepted: true }));
        }
        return {};
      case 'welcome':
        track(dispatcher.handleWelcome({ platform: 'lark', eventKey: inbound.eventKey, to: inbound.to }));
        return {};
      case 'file': {
        // Kept for the imports that read spreadsheets sent in the chat.
        const { kind: _, ...file } = inbound;
        await options.store.chatFiles.add({ platform: 'lark', ...file });
        return {};
      }
      case 'ignored':
        logger.debug('lark event ignored', { reason: inbound.reason });
        return {};
      case 'action': {
        const action = inbound.inbound;
        const work = dispatcher.handleAction(action);
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<'late'>((resolve) => {
          timer = setTimeout(() => resolve('late'), CALLBACK_BUDGET_MS);
        });
        const first = await Promise.race([work, late]);
        clearTimeout(timer);
        if (first !== 'late') return toCallbackResponse(first);
        track(
          work.then(async (result) => {
            if (!result.card) return;
            await options.store.outbox.enqueue(
              'lark',
              {
                op: 'update',
                messageId: action.messageId,
                card: result.card,
                ...(action.updateToken ? { updateToken: action.updateToken } : {}),
              },
              `${action.eventKey}#update`,
            );
            options.onOutbox();
          }),
        );
        return { toast: { type: 'info', content: '正在处理，稍后更新卡片…' } };
      }
    }
  }

  /** Resolves when every event received so far has been processed (tests, shutdown). */
  async function idle(): Promise<void> {
    while (inflight.size > 0) await Promise.all([...inflight]);
  }

  return { onEvent, idle };
}

export type LarkReceiver = ReturnType<typeof createLarkReceiver>;
