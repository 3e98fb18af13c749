// The shape of a chat command: its names, who may use it, its arguments (a zod schema), its handler, and
// the card actions it owns. One file per command in commands/ uses these helpers.
import type { z } from 'zod';
import type { ChatRef, Department, OutboundFile, Person } from '../app/ports.ts';
import type { Services } from '../app/services.ts';
import type { Card } from '../cards/card.ts';
import type { AuditActor } from '../domain/audit-chain.ts';
import { DomainError } from '../domain/errors.ts';
import type { Role } from '../domain/roles.ts';

/** Who may run something: anyone (even unbound), any bound person, or holders of one of the roles. */
export type Access = 'anyone' | 'bound' | readonly Role[];

export interface Actor {
  platform: string;
  userId: string;
  name: string;
  /** The bound person, if the chat account is bound. */
  person?: Person;
  department?: Department;
}

export interface Source {
  platform: string;
  chatId: string;
  chatType: 'p2p' | 'group';
  /** The message typed, or the card clicked. */
  messageId: string;
  eventKey: string;
  /** For a reply: the first message of its chain (a task's or team's card). */
  rootId?: string;
}

export type Reply =
  | {
      kind: 'card';
      card: Card;
      to?: ChatRef;
      inThread?: boolean;
      /** The record this card shows ("plan:12"): the copy is remembered and updated when the record changes. */
      track?: string;
    }
  | { kind: 'text'; text: string; to?: ChatRef; inThread?: boolean }
  | { kind: 'file'; file: OutboundFile; to?: ChatRef; inThread?: boolean };

export interface ActionResult {
  toast?: { type: 'success' | 'info' | 'warning' | 'error'; text: string };
  /** Replaces the clicked card. */
  card?: Card;
  /** The record the clicked card now shows: that message is remembered and updated when the record changes. */
  track?: string;
  /** Further messages (to the same chat unless `to` says otherwise). */
  replies?: Reply[];
}

export interface Context {
  actor: Actor;
  source: Source;
  services: Services;
  commands: readonly Command[];
  /**
   * Shows one card for a long task and keeps it current: the first call sends it (as a reply), later calls
   * update that same card in place.
   */
  progress(card: Card): Promise<void>;
}

export interface Param {
  name: string;
  /** Shown in error messages: "部门：…". */
  label: string;
}

export interface Subcommand<S extends z.ZodType = z.ZodType> {
  /** '' for a command's default form. */
  name: string;
  aliases?: readonly string[];
  summary: string;
  usage: string;
  examples?: readonly string[];
  access: Access;
  /** Positional parameters, in order. Mentions (@用户) and --options are passed separately. */
  params?: readonly Param[];
  /** Parses `{ [param]: string, options: {...}, mentions: Mention[] }`. */
  args: S;
  handle(ctx: Context & { args: z.infer<S> }): Promise<Reply | Reply[]>;
  /** When given and the command is typed with no arguments at all, the user gets this form card instead. */
  form?(ctx: Context): Promise<Card>;
}

export interface Action<S extends z.ZodType = z.ZodType> {
  access: Access;
  /** Parses the button value merged with the submitted form fields. */
  value: S;
  handle(ctx: Context & { value: z.infer<S> }): Promise<ActionResult>;
  /**
   * The card as it should look now. When a click is refused because the card is out of date (a DomainError
   * with code STALE_CARD), the clicked card is replaced by this, so the user sees the current state.
   */
  refresh?(ctx: Context & { value: z.infer<S> }): Promise<Card>;
}

export interface Command {
  name: string;
  aliases: readonly string[];
  summary: string;
  subcommands: readonly Subcommand[];
  actions?: Readonly<Record<string, Action>>;
}

export const defineCommand = (command: Command): Command => command;
export const subcommand = <S extends z.ZodType>(s: Subcommand<S>): Subcommand => s as unknown as Subcommand;
export const action = <S extends z.ZodType>(a: Action<S>): Action => a as unknown as Action;

export const card = (c: Card, extra: Partial<Extract<Reply, { kind: 'card' }>> = {}): Reply => ({
  kind: 'card',
  card: c,
  ...extra,
});

/** The bound person behind the actor; refused for an unbound user, naming what they tried to `operate`. */
export function requirePerson(ctx: Pick<Context, 'actor'>, operate: string): Person {
  const person = ctx.actor.person;
  if (!person) throw new DomainError('NOT_BOUND', `您还没有绑定部门，不能操作${operate}。`);
  return person;
}

/** How the audit chain names a chat user. */
export const auditActor = (actor: Actor): AuditActor => ({
  kind: 'user',
  id: `${actor.platform}:${actor.userId}`,
  name: actor.person?.name ?? actor.name,
  ...(actor.person ? { personId: actor.person.id } : {}),
});

/** True when the actor's roles satisfy `access`. */
export function isAllowed(access: Access, actor: Actor): boolean {
  if (access === 'anyone') return true;
  if (!actor.person) return false;
  if (access === 'bound') return true;
  return access.some((role) => actor.person!.roles.includes(role));
}
