// The dispatcher: inbound message or card click → dedupe → actor → command → access → arguments → handler →
// outbox. It is the one error boundary: a DomainError becomes an error card, bad arguments the command's
// usage with the first problem, anything else a generic card with an error id (logged with the stack).
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { whoCanBind } from '../app/members.ts';
import type { ChatRef, OutboundMessage, Repos } from '../app/ports.ts';
import type { Services } from '../app/services.ts';
import type { Card } from '../cards/card.ts';
import { md, note } from '../cards/card.ts';
import { errorCard, systemErrorCard, usageCard } from '../cards/common.ts';
import { closest } from '../domain/closest.ts';
import { DomainError, STALE_CARD } from '../domain/errors.ts';
import { formatRoles, roleLabels } from '../domain/roles.ts';
import {
  type Access,
  type ActionResult,
  type Actor,
  auditActor,
  type Command,
  type Context,
  isAllowed,
  type Reply,
  type Source,
  type Subcommand,
} from './define-command.ts';
import { type Mention, parseCommandText } from './parse-command.ts';

z.config(z.locales.zhCN());

export interface Sender {
  userId: string;
  /** Lark's message events carry no name; the dispatcher keeps the last one it learnt (e.g. from a mention). */
  name?: string;
}

interface InboundBase {
  platform: string;
  /** Dedupe key; Lark: the message_id for messages, the callback's event_id for card actions. */
  eventKey: string;
  /** The message typed, or the card clicked. */
  messageId: string;
  chatId: string;
  chatType: 'p2p' | 'group';
  sender: Sender;
  /** Set when the message or card sits in a thread: replies go into the same thread. */
  threadId?: string;
  /** The first message of the reply chain (e.g. a team's card when its leader replies under it). */
  rootId?: string;
  /** The message this one directly replies to. */
  parentId?: string;
  /** No chat to answer in (e.g. the bot menu): answer in the sender's direct chat. */
  answerDirectly?: boolean;
}

export interface InboundMessage extends InboundBase {
  kind: 'message';
  text: string;
  mentions: Mention[];
}

export interface InboundAction extends InboundBase {
  kind: 'action';
  /** Lark's delayed-update token for this click (valid 30 minutes, two uses). */
  updateToken?: string;
  value: unknown;
  form?: Record<string, unknown>;
}

export interface DispatcherOptions {
  services: Services;
  commands: readonly Command[];
  /** Called after new rows were written to the outbox, so the sender can drain them now. */
  onOutbox?: () => void;
}

export const newErrorId = () => randomBytes(4).toString('hex').toUpperCase();

/** Finds a command by English name or Chinese alias. */
export function findCommand(commands: readonly Command[], name: string): Command | undefined {
  return commands.find((c) => c.name === name || c.aliases.includes(name));
}

export function findSubcommand(command: Command, name: string): Subcommand | undefined {
  return command.subcommands.find((s) => s.name !== '' && (s.name === name || s.aliases?.includes(name)));
}

function commandUsageCard(command: Command, problem?: string, only?: Subcommand): Card {
  const title = `用法：/${command.name} ${command.aliases[0] ?? ''}`.trim();
  return usageCard(title, only ? [only] : command.subcommands, problem);
}

function firstProblem(error: z.ZodError, params: Subcommand['params']): string {
  const issue = error.issues[0]!;
  const key = String(issue.path[0] ?? '');
  const label = params?.find((p) => p.name === key)?.label ?? (key === 'mentions' ? '用户' : key);
  const missing = issue.code === 'invalid_type' && /undefined/.test(issue.message);
  return `${label ? `${label}：` : ''}${missing ? '缺少该参数' : issue.message}`;
}

export function createDispatcher(options: DispatcherOptions) {
  const { services, commands } = options;
  const { store, logger } = services;

  async function resolveActor(platform: string, sender: Sender): Promise<Actor> {
    const known = sender.name ? undefined : await store.chatUsers.get(platform, sender.userId);
    const name = sender.name ?? known?.displayName ?? sender.userId;
    await store.chatUsers.upsert({ platform, userId: sender.userId, displayName: name });
    const person = await store.people.findByChatAccount(platform, sender.userId);
    const department = person ? await store.departments.get(person.departmentId) : undefined;
    return {
      platform,
      userId: sender.userId,
      name,
      ...(person ? { person } : {}),
      ...(department ? { department } : {}),
    };
  }

  async function enqueue(
    replies: readonly Reply[],
    source: Source & { threadId?: string; answerDirectly?: boolean; senderId?: string },
    replyTo: string | undefined,
    tx: Repos = store,
  ) {
    let i = 0;
    for (const reply of replies) {
      const direct = source.answerDirectly && source.senderId ? { userId: source.senderId } : undefined;
      const to: ChatRef = reply.to ?? direct ?? { chatId: source.chatId };
      const sameChat = !reply.to && !direct;
      const message: OutboundMessage = {
        to,
        ...(sameChat && replyTo ? { replyTo } : {}),
        ...(reply.inThread || (sameChat && source.threadId) ? { inThread: true } : {}),
        ...(reply.kind === 'card'
          ? { card: reply.card }
          : reply.kind === 'file'
            ? { file: reply.file }
            : { text: reply.text }),
      };
      // Derived from the inbound event, so reprocessing an event can never produce a second message.
      const key = `${source.eventKey}#${i++}`;
      await tx.outbox.enqueue(source.platform, { op: 'send', message }, key);
      if (reply.kind === 'card' && reply.track) {
        await tx.cardCopies.add(reply.track, source.platform, { outboxKey: key });
      }
    }
    if (replies.length > 0) options.onOutbox?.();
  }

  /**
   * One progress card per event: sent on the first call, updated in place (by its outbox key) afterwards.
   * Calls are queued in order, so a late progress update can never land after the final card.
   */
  function progressFor(
    where: Source & { threadId?: string; answerDirectly?: boolean; senderId?: string },
    replyTo: string,
  ) {
    let updates = 0;
    let queue: Promise<void> = Promise.resolve();
    const key = `${where.eventKey}#progress`;
    const write = async (card: Card, n: number) => {
      if (n === 0) {
        const direct = where.answerDirectly && where.senderId ? { userId: where.senderId } : undefined;
        const message: OutboundMessage = {
          to: direct ?? { chatId: where.chatId },
          ...(direct ? {} : { replyTo }),
          ...(where.threadId ? { inThread: true } : {}),
          card,
        };
        await store.outbox.enqueue(where.platform, { op: 'send', message }, key);
      } else {
        await store.outbox.enqueue(where.platform, { op: 'update', messageKey: key, card }, `${key}-${n}`);
      }
      options.onOutbox?.();
    };
    return (card: Card) => {
      const n = updates++;
      // A failed write fails only its own call; the queue goes on.
      const next = queue.catch(() => undefined).then(() => write(card, n));
      queue = next;
      return next;
    };
  }

  async function refusalCard(actor: Actor, access: Access, what: string, source: Source): Promise<Card> {
    if (!actor.person) {
      const office = await whoCanBind(store);
      const who =
        office.length > 0
          ? `请联系联席会议办公室为您绑定：${office.map((o) => `${o.name}（${o.department}）`).join('、')}。`
          : '工作区还没有办公室成员：请管理员在服务器上运行 `jointcheck member add --user <账号> --dept <部门> --role office` 绑定第一位办公室成员。';
      await store.audit.append({
        actor: auditActor(actor),
        action: 'command.refused',
        subject: what,
        outcome: 'refused',
        details: { reason: 'unbound' },
        source: source.messageId,
      });
      return {
        header: { title: '您还没有绑定', color: 'orange' },
        elements: [
          md(`您的账号（${actor.name}）还没有绑定到任何成员单位，暂时只能使用 /help 和 /whoami。`),
          md(who),
          note(`您的账号标识：${actor.userId}（绑定时需要）`),
        ],
      };
    }
    const needed = access === 'anyone' || access === 'bound' ? [] : access;
    await store.audit.append({
      actor: auditActor(actor),
      action: 'command.refused',
      subject: what,
      outcome: 'refused',
      details: { reason: 'role', required: [...needed], roles: actor.person.roles },
      source: source.messageId,
    });
    return errorCard(
      `您没有权限使用 ${what}：需要${needed.map((r) => `“${roleLabels[r]}”`).join('或')}角色，您的角色是${formatRoles(actor.person.roles)}。`,
      '如需调整角色，请联系联席会议办公室。',
    );
  }

  const messageKey = (inbound: InboundMessage) => `${inbound.platform}:msg:${inbound.eventKey}`;

  /**
   * Handles a message once. The event is recorded (with its payload) before anything else and marked done
   * after its answer is in the outbox. `accepted`: the transport has already recorded it (or it is being
   * re-run after a crash).
   */
  /** Records a message durably (false for a duplicate); a transport acknowledges only after this. */
  const acceptMessage = (inbound: InboundMessage) => store.inbound.accept(messageKey(inbound), inbound);

  async function handleMessage(
    inbound: InboundMessage,
    options: { accepted?: boolean } = {},
  ): Promise<'processed' | 'duplicate' | 'ignored'> {
    const key = messageKey(inbound);
    if (!options.accepted && !(await acceptMessage(inbound))) return 'duplicate';
    try {
      return await processMessage(inbound);
    } finally {
      await store.inbound.finish(key);
    }
  }

  async function processMessage(inbound: InboundMessage): Promise<'processed' | 'ignored'> {
    const source: Source = {
      platform: inbound.platform,
      chatId: inbound.chatId,
      chatType: inbound.chatType,
      messageId: inbound.messageId,
      eventKey: inbound.eventKey,
      ...(inbound.rootId ? { rootId: inbound.rootId } : {}),
    };
    const where = {
      ...source,
      senderId: inbound.sender.userId,
      ...(inbound.threadId ? { threadId: inbound.threadId } : {}),
      ...(inbound.answerDirectly ? { answerDirectly: true } : {}),
    };
    const reply = (cards: Reply[]) =>
      enqueue(cards, where, inbound.answerDirectly ? undefined : inbound.messageId);
    const log = { eventKey: inbound.eventKey, platform: inbound.platform };
    try {
      const actor = await resolveActor(inbound.platform, inbound.sender);
      // Mentions are where a platform tells us people's names: keep them for cards and bindings.
      for (const m of inbound.mentions) {
        if (!m.isBot && m.name)
          await store.chatUsers.upsert({ platform: inbound.platform, userId: m.userId, displayName: m.name });
      }
      const parsed = parseCommandText(inbound.text, inbound.mentions);
      const name = parsed.name || 'help';
      const command = findCommand(commands, name);
      if (!command) {
        const names = commands.flatMap((c) => [c.name, ...c.aliases]);
        const guess = closest(name, names);
        const guessed = guess ? findCommand(commands, guess) : undefined;
        await reply([
          {
            kind: 'card',
            card: {
              header: { title: '没有这个命令', color: 'orange' },
              elements: [
                md(
                  guessed
                    ? `没有“${name}”这个命令。您是不是要找 **/${guessed.name} ${guessed.aliases[0] ?? ''}**（${guessed.summary}）？`
                    : `没有“${name}”这个命令。`,
                ),
                note('发送 /help 查看全部命令。'),
              ],
            },
          },
        ]);
        return 'processed';
      }

      const named = command.subcommands.filter((s) => s.name !== '');
      let sub: Subcommand | undefined;
      let words = parsed.words;
      if (named.length > 0 && words[0] !== undefined) {
        sub = findSubcommand(command, words[0].toLowerCase());
        if (sub) words = words.slice(1);
      }
      sub ??= command.subcommands.find((s) => s.name === '');
      if (!sub) {
        const first = words[0];
        const guess = first
          ? closest(
              first,
              named.flatMap((s) => [s.name, ...(s.aliases ?? [])]),
            )
          : undefined;
        const problem = first
          ? `没有“${first}”这个子命令${guess ? `，您是不是要用 ${guess}？` : '。'}`
          : '请指明要做什么：';
        await reply([{ kind: 'card', card: commandUsageCard(command, problem) }]);
        return 'processed';
      }
      const what = `/${command.name}${sub.name ? ` ${sub.name}` : ''}`;
      if (!isAllowed(sub.access, actor)) {
        await reply([{ kind: 'card', card: await refusalCard(actor, sub.access, what, source) }]);
        return 'processed';
      }

      const ctx: Context = {
        actor,
        source,
        services,
        commands,
        progress: progressFor(where, inbound.messageId),
      };
      if (
        sub.form &&
        words.length === 0 &&
        parsed.mentions.length === 0 &&
        Object.keys(parsed.options).length === 0
      ) {
        await reply([{ kind: 'card', card: await sub.form(ctx) }]);
        return 'processed';
      }
      const params = sub.params ?? [];
      const raw: Record<string, unknown> = { options: parsed.options, mentions: parsed.mentions };
      params.forEach((p, i) => {
        if (words[i] !== undefined) raw[p.name] = words[i];
      });
      if (words.length > params.length) {
        const extra = words.slice(params.length).join(' ');
        await reply([{ kind: 'card', card: commandUsageCard(command, `多余的参数：${extra}`, sub) }]);
        return 'processed';
      }
      const args = sub.args.safeParse(raw);
      if (!args.success) {
        logger.debug('bad arguments', { ...log, command: what, issues: args.error.issues.length });
        await reply([
          { kind: 'card', card: commandUsageCard(command, firstProblem(args.error, params), sub) },
        ]);
        return 'processed';
      }
      const out = await sub.handle({ ...ctx, args: args.data });
      await reply(Array.isArray(out) ? out : [out]);
      return 'processed';
    } catch (error) {
      await reply([{ kind: 'card', card: failureCard(error, log) }]);
      return 'processed';
    }
  }

  function failureCard(error: unknown, log: Record<string, unknown>): Card {
    if (error instanceof DomainError) {
      logger.info('domain error', { ...log, code: error.code });
      return errorCard(error.userMessage, error.hint);
    }
    const errorId = newErrorId();
    logger.error('unexpected error', {
      ...log,
      errorId,
      error: error instanceof Error ? error.message : String(error),
      stack: error instanceof Error ? error.stack : undefined,
    });
    return systemErrorCard(errorId);
  }

  async function handleAction(inbound: InboundAction): Promise<ActionResult> {
    if (!(await store.inbound.accept(`${inbound.platform}:act:${inbound.eventKey}`))) return {};
    const source: Source = {
      platform: inbound.platform,
      chatId: inbound.chatId,
      chatType: inbound.chatType,
      messageId: inbound.messageId,
      eventKey: inbound.eventKey,
    };
    const log = { eventKey: inbound.eventKey, platform: inbound.platform };
    let refresh: (() => Promise<Card>) | undefined;
    try {
      const value = inbound.value as { cmd?: unknown; action?: unknown } | null;
      const command =
        value && typeof value.cmd === 'string' ? commands.find((c) => c.name === value.cmd) : undefined;
      const action =
        command && typeof value?.action === 'string' ? command.actions?.[value.action] : undefined;
      if (!command || !action) {
        return { toast: { type: 'warning', text: '此卡片已失效，请重新发送命令。' } };
      }
      const actor = await resolveActor(inbound.platform, inbound.sender);
      const what = `/${command.name} 的“${String(value?.action)}”操作`;
      // A forwarded card must not let a stranger act: access is checked on every click.
      if (!isAllowed(action.access, actor)) {
        const refusal = await refusalCard(actor, action.access, what, source);
        const text = actor.person ? '您没有权限执行此操作。' : '您还没有绑定，不能执行此操作。';
        await enqueue([{ kind: 'card', card: refusal, to: { userId: actor.userId } }], source, undefined);
        return { toast: { type: 'error', text } };
      }
      const parsed = action.value.safeParse({ ...(inbound.form ?? {}), ...(value as object) });
      if (!parsed.success) {
        return { toast: { type: 'warning', text: firstProblem(parsed.error, undefined) } };
      }
      const ctx = {
        actor,
        source,
        services,
        commands,
        value: parsed.data,
        progress: progressFor(
          { ...source, ...(inbound.threadId ? { threadId: inbound.threadId } : {}) },
          inbound.messageId,
        ),
      };
      if (action.refresh) refresh = () => action.refresh!(ctx);
      const result = await action.handle(ctx);
      if (result.track) {
        await store.cardCopies.add(result.track, source.platform, { messageId: inbound.messageId });
      }
      // A click may have queued messages of its own (other copies of a card, notices): send them now.
      options.onOutbox?.();
      if (result.replies?.length) {
        const where = { ...source, ...(inbound.threadId ? { threadId: inbound.threadId } : {}) };
        await enqueue(result.replies, where, inbound.messageId);
      }
      return result;
    } catch (error) {
      if (error instanceof DomainError) {
        logger.info('domain error', { ...log, code: error.code });
        if (error.code === STALE_CARD && refresh) {
          return { toast: { type: 'warning', text: error.userMessage }, card: await refresh() };
        }
        return { toast: { type: 'error', text: error.userMessage } };
      }
      const card = failureCard(error, log);
      const text = card.elements[0]?.type === 'markdown' ? card.elements[0].text : '系统繁忙，请稍后重试。';
      return { toast: { type: 'error', text } };
    }
  }

  /** The bot joined a group, or a user opened the direct chat: one welcome card, once per event. */
  async function handleWelcome(event: { platform: string; eventKey: string; to: ChatRef }): Promise<void> {
    if (!(await store.inbound.accept(`${event.platform}:welcome:${event.eventKey}`))) return;
    const card: Card = {
      header: { title: '联络员机器人', color: 'blue' },
      elements: [
        md(
          '您好！我协助联席会议办公室和各成员单位的联络员完成部门联合“双随机、一公开”抽查：计划、抽取、任务、结果和期限提醒。',
        ),
        md('发送 **/help**（或“帮助”）查看您可以使用的命令；在群里请先 @我。'),
        note('还没有绑定部门和角色的同事，请联系联席会议办公室。'),
      ],
    };
    await store.outbox.enqueue(
      event.platform,
      { op: 'send', message: { to: event.to, card } },
      `${event.eventKey}#welcome`,
    );
    options.onOutbox?.();
  }

  /**
   * Picks up messages whose process died between accepting and answering them (their answer keys are derived
   * from the event, so an answer that did reach the outbox is not sent twice).
   */
  async function recoverStale(olderThan: Date): Promise<number> {
    const stale = await store.inbound.claimStale(olderThan, 50);
    for (const row of stale) {
      if (row.attempts > 3) {
        logger.error('inbound event abandoned after repeated failures', { key: row.key });
        await store.inbound.finish(row.key);
        continue;
      }
      logger.warn('re-processing an event left unfinished', { key: row.key, attempts: row.attempts });
      await handleMessage(row.payload as InboundMessage, { accepted: true });
    }
    return stale.length;
  }

  return { acceptMessage, handleMessage, handleAction, handleWelcome, recoverStale };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
