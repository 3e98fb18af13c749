// The only abstractions in the program: what use cases need from the outside world.
// Adapters (src/store, src/platform/*) implement them; src/main.ts wires them together.
import type { Card } from '../cards/card.ts';
import type { AuditEntry, AuditRecord } from '../domain/audit-chain.ts';
import type { StratumDraw, TargetPick } from '../domain/draw.ts';
import type { ExclusionReason, InspectorQuota } from '../domain/inspector-draw.ts';
import type { LateEdit } from '../domain/inspector-receipt.ts';
import type { InspectorRecord } from '../domain/inspector-record.ts';
import type { MatterRecord } from '../domain/matter-record.ts';
import type { PlanDraft, RiskClass, Stratum, TargetScope } from '../domain/plan-record.ts';
import type { Role } from '../domain/roles.ts';
import type { TargetRecord } from '../domain/target-record.ts';
import type {
  AssignmentState,
  DrawState,
  JointPlanState,
  PlanState,
  RedrawState,
  TaskState,
} from '../domain/workflow.ts';
import type { YearSchedule } from '../domain/working-days.ts';
import type { TableSource } from './import-runner.ts';

/**
 * Checks a public randomness beacon (drand) against its chain's public key, with no network: the round a time
 * falls before, when a round is produced, and whether an entered value is that round's.
 */
export interface BeaconVerifier {
  chains: string[];
  /** The first round produced after `at` (a value that does not exist yet). */
  roundAfter(chain: string, at: Date): number;
  roundTime(chain: string, round: number): Date;
  /** Whether `signature` is the chain's signature of `round` and `randomness` is derived from it. */
  verify(chain: string, round: number, signature: string, randomness: string): Promise<boolean>;
}

export interface Clock {
  now(): Date;
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

// ---- chat platform ----------------------------------------------------------------------------------

/** Where a message goes: a chat (group or p2p) or a user's direct chat with the bot. */
export type ChatRef = { chatId: string } | { userId: string };

export interface OutboundMessage {
  to: ChatRef;
  /** Reply to this message (shown as a reply; `inThread` puts it in the message's thread). */
  replyTo?: string;
  inThread?: boolean;
  card?: Card;
  text?: string;
  /** A file to send (e.g. an import's error list); its bytes travel in the outbox, so keep it small. */
  file?: OutboundFile;
}

export interface OutboundFile {
  name: string;
  base64: string;
}

/** One entry of the outbox, as the sender hands it to the platform. */
export type OutboxPayload =
  | { op: 'send'; message: OutboundMessage }
  | {
      op: 'update';
      /** The message to update; or `messageKey`: the outbox key of a card this bot sent (resolved once sent). */
      messageId?: string;
      messageKey?: string;
      card: Card;
      /** A platform's short-lived token for updating the card after a slow click (Lark: 30 min, 2 uses). */
      updateToken?: string;
    };

/**
 * Why a platform call failed, so the sender knows what to do:
 * - `retry`: not sent (rate limit, server or network trouble); try again after `retryAfterMs` if given;
 * - `card-rejected`: the platform refused the card itself (too large, a component it does not accept):
 *   send the content as text instead;
 * - `permanent`: will never succeed (bot not in the chat, user stopped the bot …).
 * `maybeSent` marks failures after which the message may have arrived (a timeout, a 5xx).
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly kind: 'retry' | 'card-rejected' | 'permanent',
    readonly options: { retryAfterMs?: number; maybeSent?: boolean; code?: number } = {},
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/**
 * A chat platform's outbound side. Every call carries the outbox row's idempotency key, which the platform
 * must pass on (Lark's `uuid`) so that a retried call never produces a second message.
 */
export interface Platform {
  readonly name: string;
  /** How long after sending a card can still be updated in place (Lark: 14 days); unlimited if absent. */
  readonly cardUpdateWindowMs?: number;
  send(message: OutboundMessage, idempotencyKey: string): Promise<{ messageId: string }>;
  updateCard(messageId: string, card: Card, idempotencyKey: string, updateToken?: string): Promise<void>;
}

// ---- records -----------------------------------------------------------------------------------------

export interface Department {
  id: number;
  code: string;
  name: string;
  shortName: string | null;
  /** Other spellings other lists use (省市场监管局, 市场监管部门 …). */
  aliases: string[];
  /** Sub-units (所、队、科室) by name. */
  units: string[];
}

export interface Person {
  id: number;
  departmentId: number;
  name: string;
  roles: Role[];
  chatPlatform: string | null;
  chatUserId: string | null;
  /** The sub-unit (所、队、科室) the person works in, where the register says. */
  unit?: string | null;
  version: number;
}

/** Where a copy of a card is: the outbox key it was sent under, or the message a click turned into it. */
export type CardCopy = { outboxKey: string } | { messageId: string };

export interface Plan extends PlanDraft {
  id: number;
  revision: number;
  revisesId: number | null;
  state: PlanState;
  version: number;
  returnReason: string | null;
  changeReason: string | null;
  reentryDue: string | null;
  createdBy: number | null;
  submittedBy: number | null;
  decidedBy: number | null;
  updatedAt: Date;
}

/** The joint annual plan of a year as compiled, submitted, approved and published. */
export interface JointPlan {
  id: number;
  year: number;
  revision: number;
  state: JointPlanState;
  version: number;
  planIds: number[];
  /** `id@version` of each plan it holds, to tell whether a new compile changes anything. */
  planVersions: string;
  /** The public table, header first, exactly as compiled. */
  rows: string[][];
  under: { department: string; joint: number; total: number }[];
  docNo: string | null;
  approvedOn: string | null;
  publishedOn: string | null;
  publishedWhere: string | null;
  returnReason: string | null;
  compiledBy: number | null;
  decidedBy: number | null;
  updatedAt: Date;
}

export interface Task {
  id: number;
  planId: number;
  jointPlanId: number;
  name: string;
  leadDepartmentId: number;
  chatPlatform: string;
  chatId: string;
  windowStart: string;
  windowEnd: string;
  teams: number | null;
  targetsPerTeam: number | null;
  /** Inspectors per team from each department, by department id (the lead's included). */
  perTeam: Record<string, number>;
  certificateHolders: number;
  acceptanceDays: number;
  /** The workspace's date of the launch, which the acceptance deadline counts from. */
  launchedOn: string | null;
  acceptanceDue: string | null;
  acceptanceDueText: string;
  state: TaskState;
  version: number;
  launchedFrom: string | null;
  createdBy: number | null;
  createdAt: Date;
}

/** One other department's part in a task. */
export interface TaskDepartment {
  taskId: number;
  departmentId: number;
  state: AssignmentState;
  version: number;
  answeredBy: number | null;
  answeredAt: Date | null;
  reason: string | null;
  ruledBy: number | null;
  ruling: string | null;
  escalatedAt: Date | null;
}

/** How a target draw's pool was frozen, as its notice and receipt state it (product.md §4.1). */
export interface DrawFilters {
  scope: TargetScope;
  /** Classes drawn by their own quota; the other targets fall under `all` when the plan has that quota. */
  classes: RiskClass[];
  withAll: boolean;
  /** Not checked since this date (the setting draws.recentMonths), or null when no such filter applies. */
  checkedSince: string | null;
  excludeOpen: boolean;
  /** Targets in the scope (active, 存续) before the exclusions below. */
  inScope: number;
  excludedRecent: number;
  /** Drawn in another open task: flagged, or excluded when `excludeOpen`. */
  openElsewhere: number;
  /** In a class the plan gives no quota (and no all-targets quota): not drawn. */
  noQuota: number;
}

/** What an inspector draw fixed at its commit besides the pool: the quota and the edits flagged. */
export interface InspectorDrawFacts {
  quota: InspectorQuota;
  lateEdits: LateEdit[];
  /** People left out, per reason (a person left out of some teams only counts once per reason). */
  excluded: Partial<Record<ExclusionReason, number>>;
  /** The target draw whose teams this draw staffs. */
  targetDrawId: number;
  /** The sub-unit (所、队) the department delegated its part to; the pool is that unit's people (seed 000 art. 18). */
  unit?: string;
}

/** A public randomness beacon a draw named in its notice (product.md §4.3), and its value once entered. */
export interface DrawBeacon {
  chain: string;
  round: number;
  /** When the round is produced (ISO time). */
  at: string;
  signature?: string;
  randomness?: string;
  enteredBy?: number;
}

export interface Draw {
  id: number;
  taskId: number;
  kind: 'targets' | 'inspectors';
  departmentId: number;
  state: DrawState;
  version: number;
  algorithm: string;
  /** A target draw's filters, or an inspector draw's facts (by `kind`). */
  filters: DrawFilters | InspectorDrawFacts;
  strata: StratumDraw[];
  split: { teams: number } | { perTeam: number };
  poolSize: number;
  poolHash: string;
  botEntropy: string;
  botCommitment: string;
  revealAt: Date;
  beacon: DrawBeacon | null;
  noInputReason: string | null;
  seed: string | null;
  /** The receipt's JSON text, exactly as handed out. */
  receipt: string | null;
  receiptHash: string | null;
  committedBy: number | null;
  drawnBy: number | null;
  drawnAt: Date | null;
  replacesId: number | null;
  supersedeReason: string | null;
  createdAt: Date;
}

export interface ReplacementRequest {
  id: number;
  drawId: number;
  code: string;
  cause: 'registry' | 'recusal';
  note: string;
  state: RedrawState;
  version: number;
  requestedBy: number;
  decidedBy: number | null;
  decisionNote: string | null;
  replacementCode: string | null;
  createdAt: Date;
  decidedAt: Date | null;
}

export interface RedrawRequest {
  id: number;
  drawId: number;
  state: RedrawState;
  version: number;
  reason: string;
  requestedBy: number;
  decidedBy: number | null;
  decisionNote: string | null;
  createdAt: Date;
  decidedAt: Date | null;
}

export interface DrawContribution {
  drawId: number;
  departmentId: number;
  personId: number;
  value: string;
  hash: string;
  createdAt: Date;
}

/** A drawn target as the lists handed to departments show it. */
export interface DrawnTarget extends TargetPick {
  position: number;
  /** A replacement: the code it stands in for. */
  replaces: string | null;
  /** Withdrawn by an approved replacement, with its reason (still listed). */
  withdrawn: string | null;
  name: string;
  address: string | null;
  area: string | null;
  riskClass: string | null;
}

/** A person with what an inspector draw's eligibility depends on, and when their leave and conflicts were entered. */
export interface InspectorCandidate {
  id: number;
  name: string;
  active: boolean;
  chatPlatform: string | null;
  chatUserId: string | null;
  certificateNo: string | null;
  certificateValidUntil: string | null;
  qualificationTags: string[];
  isExpert: boolean;
  area: string | null;
  unit: string | null;
  leaves: { from: string; to: string; at: Date }[];
  conflicts: { targetCode: string; at: Date }[];
}

export interface TeamMember {
  drawId: number;
  team: number;
  position: number;
  personId: number;
  certified: boolean;
  expert: boolean;
  leader: boolean;
  /** Re-selected (重新选派): the person this member stands in for. */
  replaces: number | null;
  /** Why the member was withdrawn (kept listed). */
  withdrawn: string | null;
  /** A hand-picked member (指定选派): the office-approved request that put them here. */
  choiceId?: number | null;
}

/** A hand-picked re-selection (指定选派) asked for by a department and decided by the office. */
export interface ChoiceRequest {
  id: number;
  drawId: number;
  personOut: number;
  personIn: number;
  reason: string;
  state: RedrawState;
  version: number;
  requestedBy: number;
  decidedBy: number | null;
  decisionNote: string | null;
  createdAt: Date;
  decidedAt: Date | null;
}

/** A department's inspector draw not made yet, with its deadline and where it stands (see `inspectorsOwed`). */
export interface OwedInspectorDraw extends DrawHandover {
  taskId: number;
  /** Its inspector draw's notice, when posted (committed, not drawn yet). */
  noticeId: number | null;
  /** When the office last approved redrawing this department's inspectors (its deadline restarts then). */
  redrawnAt: Date | null;
}

export interface DrawHandover {
  drawId: number;
  departmentId: number;
  handedOn: string;
  inspectorsDue: string | null;
  inspectorsDueText: string;
  reached: boolean;
  /** seed 000 art. 18: the last day to dispatch the list to a sub-unit, when the department delegates its part. */
  dispatchDue: string | null;
  /** The sub-unit (所、队) the department delegated its part to, the day it dispatched the list, and who did. */
  delegatedTo?: string | null;
  delegatedOn?: string | null;
  delegatedBy?: number | null;
}

export interface ChatUser {
  platform: string;
  userId: string;
  displayName: string;
}

export interface OutboxRow {
  id: number;
  idempotencyKey: string;
  payload: OutboxPayload;
  attempts: number;
  createdAt: Date;
}

export type InspectorRow = Omit<InspectorRecord, 'departmentText'> & {
  departmentId: number;
  registerKey: string;
  rowHash: string;
};

export interface InspectorView extends Omit<InspectorRecord, 'departmentText'> {
  id: number;
  bound: boolean;
  leaves: { from: string; to: string; reason: string | null }[];
}

export interface ChatFile {
  platform: string;
  messageId: string;
  chatId: string;
  senderId: string;
  fileKey: string;
  fileName: string;
}

/** Downloads a file someone sent in the chat (Lark: message resources; local workspace: its upload folder). */
export interface FileFetcher {
  fetch(file: { messageId: string; fileKey: string }): Promise<Buffer>;
}

/** Reads a table from a file's bytes (the format told by content). */
/** Writes a table as a spreadsheet file (.xlsx), every cell text; an optional title row above the header. */
export interface TableWriter {
  write(sheetName: string, rows: string[][], options?: { title?: string }): Promise<Buffer>;
}

export interface TableReader {
  read(
    bytes: Buffer,
    options: { isHeader?: (cells: string[]) => boolean },
  ): Promise<{ table: TableSource; dispose(): Promise<void> }>;
}

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** A frozen pool as it is read: its size in bytes, then its bytes in order, a slice at a time. */
export interface PoolSlices {
  size: number;
  slices: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

export interface Repos {
  departments: {
    list(): Promise<Department[]>;
    get(id: number): Promise<Department | undefined>;
    /** By code, name or short name, exactly. */
    find(text: string): Promise<Department | undefined>;
    create(
      d: Omit<Department, 'id' | 'aliases' | 'units'> & { aliases?: string[]; units?: string[] },
    ): Promise<Department>;
    /** Adds names to a department's aliases or sub-units (each name once, in the order first given). */
    addNames(id: number, list: 'aliases' | 'units', names: string[]): Promise<Department>;
  };
  people: {
    get(id: number): Promise<Person | undefined>;
    findByChatAccount(platform: string, userId: string): Promise<Person | undefined>;
    listByDepartment(departmentId: number): Promise<Person[]>;
    listWithRole(role: Role): Promise<Person[]>;
    listBound(): Promise<Person[]>;
    create(p: Omit<Person, 'id' | 'version'>): Promise<Person>;
    /** Optimistic update: returns undefined when the record changed since `version` was read. */
    update(
      id: number,
      version: number,
      patch: Partial<Omit<Person, 'id' | 'version'>>,
    ): Promise<Person | undefined>;
  };
  chatUsers: {
    upsert(u: ChatUser): Promise<void>;
    get(platform: string, userId: string): Promise<ChatUser | undefined>;
    list(platform: string): Promise<ChatUser[]>;
  };
  audit: {
    /** Appends to the chain inside the current transaction (entries are serialised by a lock). */
    append(record: AuditRecord): Promise<AuditEntry>;
    head(): Promise<{ seq: number; hash: string } | undefined>;
    list(options?: { limit?: number; action?: string }): Promise<AuditEntry[]>;
  };
  outbox: {
    enqueue(platform: string, payload: OutboxPayload, idempotencyKey: string): Promise<void>;
  };
  inbound: {
    /**
     * Records an inbound event key; false when it was seen before (a duplicate push). With a payload the
     * event stays `processing` until `finish`, so it can be picked up again after a crash.
     */
    accept(key: string, payload?: unknown): Promise<boolean>;
    finish(key: string): Promise<void>;
    /** Claims events still `processing` since before `olderThan` (their handler died with its process). */
    claimStale(
      olderThan: Date,
      limit: number,
    ): Promise<{ key: string; payload: unknown; attempts: number }[]>;
  };
  targets: {
    /**
     * Inserts new codes, updates changed ones (also reactivating), leaves identical ones alone.
     * Call inside a transaction for all-or-nothing imports.
     */
    upsertMany(
      rows: (TargetRecord & { departmentId: number | null; rowHash: string })[],
    ): Promise<UpsertCounts>;
    /**
     * Told, inside an import's transaction, how many rows it expects to write: a load large against the
     * library stops maintaining its name-search and pool-order indexes row by row (to rebuild them once in
     * `endBulkWrite`).
     */
    beginBulkWrite(expectedWrites: number): Promise<void>;
    /** Rebuilds what beginBulkWrite set aside; call before the transaction commits. */
    endBulkWrite(): Promise<void>;
    /**
     * After an import, committed or rolled back, outside any transaction: the library's storage and statistics
     * brought up to date with what was written (a draw's freeze reads its pool from an index alone only on settled
     * pages).
     */
    settle(): Promise<void>;
    count(): Promise<number>;
    /** Active targets per registration status. */
    countByStatus(): Promise<{ status: string; count: number }[]>;
    /** Active 存续 targets within a plan's scope, per credit-risk class (`none`: no class). */
    countByRisk(scope: TargetScope): Promise<Partial<Record<RiskClass | 'none', number>>>;
    /** By code, or by a piece of the name (two characters are enough); active targets first. */
    search(
      query: string,
      limit: number,
    ): Promise<{ targets: (TargetRecord & { id: number; active: boolean })[]; more: boolean }>;
    /** Marks inactive the active targets of a scope whose codes are not in `keep`; returns how many. */
    deactivateMissing(scope: { departmentId: number } | { tag: string }, keep: string[]): Promise<number>;
    findByCode(code: string): Promise<(TargetRecord & { id: number; active: boolean }) | undefined>;
  };
  matters: {
    /** Inserts new variants, updates changed ones (also reactivating), leaves identical ones alone. */
    upsertMany(
      rows: (Omit<MatterRecord, 'departmentText'> & {
        departmentId: number;
        variantKey: string;
        rowHash: string;
      })[],
    ): Promise<UpsertCounts>;
    list(filter?: { departmentId?: number }): Promise<
      (Omit<MatterRecord, 'departmentText'> & {
        id: number;
        departmentId: number;
        active: boolean;
        qualificationTags: string[];
        needsExpert: boolean;
      })[]
    >;
  };
  inspectors: {
    /**
     * Inserts new inspectors, updates changed ones, and adopts a person already bound to a chat account with the
     * same name in the same department (one person record per human). Adds the inspector role.
     */
    upsertMany(rows: InspectorRow[]): Promise<UpsertCounts>;
    /** Every person in the inspector library by register key (to tell a certificate reused under another name). */
    registered(): Promise<{ registerKey: string; name: string }[]>;
    /** A department's active inspectors with their leave periods. */
    list(departmentId: number): Promise<InspectorView[]>;
    /** `at`: when it was entered (an edit after a drawn list was handed over is flagged in the inspector draw). */
    addLeave(
      personId: number,
      leave: { from: string; to: string; reason: string | null; at: Date },
    ): Promise<void>;
    /** False when the conflict was already declared. */
    addConflict(
      personId: number,
      conflict: { targetCode: string; reason: string | null; at: Date },
    ): Promise<boolean>;
    conflicts(personId: number): Promise<{ targetCode: string; reason: string | null }[]>;
    /** A department's active inspectors with their leave and conflicts, for an inspector draw. */
    candidates(departmentId: number): Promise<InspectorCandidate[]>;
  };
  chatFiles: {
    /** Records a file message once (repeated pushes change nothing). */
    add(f: ChatFile): Promise<void>;
    /** The newest file a user sent in a chat since `since`. */
    latest(
      platform: string,
      chatId: string,
      senderId: string,
      since: Date,
    ): Promise<(ChatFile & { receivedAt: Date }) | undefined>;
  };
  plans: {
    create(
      plan: PlanDraft & {
        createdBy: number;
        revision?: number;
        revisesId?: number;
        changeReason?: string;
        reentryDue?: string;
      },
    ): Promise<Plan>;
    get(id: number): Promise<Plan | undefined>;
    list(filter: { year?: number; departmentId?: number }): Promise<Plan[]>;
    /** Optimistic update: undefined when the plan changed since `version` was read. */
    update(
      id: number,
      version: number,
      patch: Partial<Omit<Plan, 'id' | 'version'>>,
    ): Promise<Plan | undefined>;
    /** The newest revision of the plan `id` belongs to (the plan itself when nothing revises it). */
    latestRevision(id: number): Promise<Plan>;
  };
  jointPlans: {
    create(
      p: Pick<JointPlan, 'year' | 'revision' | 'planIds' | 'planVersions' | 'rows' | 'under' | 'compiledBy'>,
    ): Promise<JointPlan>;
    get(id: number): Promise<JointPlan | undefined>;
    /** Every revision of the year's joint annual plan, newest first. */
    list(year: number): Promise<JointPlan[]>;
    update(
      id: number,
      version: number,
      patch: Partial<Omit<JointPlan, 'id' | 'version' | 'year' | 'revision'>>,
    ): Promise<JointPlan | undefined>;
  };
  tasks: {
    create(
      t: Omit<Task, 'id' | 'state' | 'version' | 'createdAt'>,
      departmentIds: number[],
    ): Promise<{ task: Task; departments: TaskDepartment[] }>;
    get(id: number): Promise<Task | undefined>;
    /** The task, locked until the transaction ends: changes to its departments go one at a time. */
    lock(id: number): Promise<Task | undefined>;
    findLaunchedFrom(launchedFrom: string): Promise<Task | undefined>;
    /** Tasks under review on this platform whose acceptance deadline could not be computed yet. */
    withoutDeadline(platform: string): Promise<Task[]>;
    /** Tasks a department leads or takes part in (all tasks without a department), newest first. */
    list(filter: { departmentId?: number; limit: number }): Promise<Task[]>;
    update(
      id: number,
      version: number,
      patch: Partial<Pick<Task, 'state' | 'acceptanceDue' | 'acceptanceDueText'>>,
    ): Promise<Task | undefined>;
    departments(taskId: number): Promise<TaskDepartment[]>;
    updateDepartment(
      taskId: number,
      departmentId: number,
      version: number,
      patch: Partial<Omit<TaskDepartment, 'taskId' | 'departmentId' | 'version'>>,
    ): Promise<TaskDepartment | undefined>;
    /** Departments still pending on this platform's tasks under review whose acceptance deadline is before `today`. */
    overdue(today: string, platform: string): Promise<TaskDepartment[]>;
    /** Departments still pending, not yet reported to the office, on this platform's tasks under review. */
    awaiting(platform: string): Promise<TaskDepartment[]>;
  };
  draws: {
    /** A new committed draw; undefined when the task already has a current draw of this kind and department. */
    create(
      d: Omit<
        Draw,
        | 'id'
        | 'state'
        | 'version'
        | 'seed'
        | 'receipt'
        | 'receiptHash'
        | 'drawnBy'
        | 'drawnAt'
        | 'supersedeReason'
        | 'createdAt'
      >,
    ): Promise<Draw | undefined>;
    get(id: number): Promise<Draw | undefined>;
    /** Every draw of a task, oldest first (superseded ones included). */
    forTask(taskId: number): Promise<Draw[]>;
    /** The draw, locked until the transaction ends. */
    lock(id: number): Promise<Draw | undefined>;
    update(
      id: number,
      version: number,
      patch: Partial<Omit<Draw, 'id' | 'version' | 'taskId' | 'kind' | 'departmentId'>>,
    ): Promise<Draw | undefined>;
    /**
     * Freezes the pool of a target draw from the library as it is now: active 存续 targets in the scope, each in
     * its class's stratum or `all`, minus the exclusions; stores the pool's canonical bytes. Returns the pool's
     * size per stratum, the counts the notice reports and the pool's hash.
     */
    freezeTargets(
      drawId: number,
      taskId: number,
      filters: Pick<DrawFilters, 'scope' | 'classes' | 'withAll' | 'checkedSince' | 'excludeOpen'>,
    ): Promise<{
      sizes: Partial<Record<Stratum, number>>;
      counts: Pick<DrawFilters, 'inScope' | 'excludedRecent' | 'openElsewhere' | 'noQuota'>;
      /** SHA-256 of the frozen pool's canonical bytes, as stored. */
      hash: string;
    }>;
    /** The frozen pool's canonical bytes (the pool file). */
    poolBytes(drawId: number): Promise<Buffer>;
    /** The same bytes read a slice at a time (`sliceBytes`, else 64 KB), after their size. */
    poolSlices(drawId: number, sliceBytes?: number): Promise<PoolSlices>;
    /** Stores a pool frozen outside the database (an inspector draw's candidates and teams). */
    storePool(drawId: number, content: string): Promise<void>;
    saveMembers(members: readonly TeamMember[]): Promise<void>;
    /** Withdraws a member of a team with the reason, and makes the team's leader `leader` (or nobody). */
    withdrawMember(drawId: number, team: number, personId: number, reason: string): Promise<void>;
    setLeader(drawId: number, team: number, personId: number | null): Promise<void>;
    members(drawId: number): Promise<TeamMember[]>;
    /** False when the department has contributed already. */
    contribute(c: Omit<DrawContribution, 'createdAt'>): Promise<boolean>;
    contributions(drawId: number): Promise<DrawContribution[]>;
    /** The picks in draw order (their scores follow from the seed and are not kept). */
    savePicks(drawId: number, picks: readonly TargetPick[]): Promise<void>;
    /** The picks in draw order (the first `limit`), with the target's name and address from the library. */
    picks(drawId: number, limit?: number): Promise<DrawnTarget[]>;
    /** Picks in force (not withdrawn by a replacement). */
    pickCount(drawId: number): Promise<number>;
    addHandover(h: DrawHandover): Promise<void>;
    /** Withdraws a pick and appends its replacement (same team and stratum) after the last pick. */
    replacePick(drawId: number, code: string, reason: string, replacement: string): Promise<void>;
    /** A new replacement request; undefined when one is already open for that target. */
    requestReplacement(
      r: Pick<ReplacementRequest, 'drawId' | 'code' | 'cause' | 'note' | 'requestedBy'>,
    ): Promise<ReplacementRequest | undefined>;
    replacement(id: number): Promise<ReplacementRequest | undefined>;
    /** A pending hand-pick; undefined when one is already pending for that member. */
    requestChoice(
      r: Pick<ChoiceRequest, 'drawId' | 'personOut' | 'personIn' | 'reason' | 'requestedBy'>,
    ): Promise<ChoiceRequest | undefined>;
    choice(id: number): Promise<ChoiceRequest | undefined>;
    choices(drawId: number): Promise<ChoiceRequest[]>;
    decideChoice(
      id: number,
      version: number,
      patch: Pick<ChoiceRequest, 'state' | 'decidedBy' | 'decisionNote' | 'decidedAt'>,
    ): Promise<ChoiceRequest | undefined>;
    replacements(drawId: number): Promise<ReplacementRequest[]>;
    decideReplacement(
      id: number,
      version: number,
      patch: Pick<
        ReplacementRequest,
        'state' | 'decidedBy' | 'decisionNote' | 'decidedAt' | 'replacementCode'
      >,
    ): Promise<ReplacementRequest | undefined>;
    /** A new request to redo a draw; undefined when one is already open for it. */
    requestRedraw(
      r: Pick<RedrawRequest, 'drawId' | 'reason' | 'requestedBy'>,
    ): Promise<RedrawRequest | undefined>;
    redraw(id: number): Promise<RedrawRequest | undefined>;
    redraws(drawId: number): Promise<RedrawRequest[]>;
    decideRedraw(
      id: number,
      version: number,
      patch: Pick<RedrawRequest, 'state' | 'decidedBy' | 'decisionNote' | 'decidedAt'>,
    ): Promise<RedrawRequest | undefined>;
    handovers(drawId: number): Promise<DrawHandover[]>;
    /**
     * The inspector draws still owed on a platform's tasks: every hand-over of a target draw in force, on a task
     * waiting for its inspectors, whose department (or the sub-unit it delegated to) has no inspector draw made yet.
     */
    inspectorsOwed(platform: string): Promise<OwedInspectorDraw[]>;
    /**
     * For a department's people: the targets each was on a team for in another task's inspector draw since `since`
     * (a day), as person id → codes in byte order. Withdrawn members and replaced targets do not count.
     */
    checkedBy(departmentId: number, exceptTaskId: number, since: string): Promise<Map<number, string[]>>;
    /** Records a department's dispatch of the list to a sub-unit and its new inspector deadline. */
    /** A hand-over's delegation (who, when, by whom) or its inspector-draw deadline, as given. */
    updateHandover(
      drawId: number,
      departmentId: number,
      patch: Partial<
        Pick<
          DrawHandover,
          'delegatedTo' | 'delegatedOn' | 'delegatedBy' | 'inspectorsDue' | 'inspectorsDueText'
        >
      >,
    ): Promise<void>;
  };
  cardCopies: {
    add(subject: string, platform: string, copy: CardCopy): Promise<void>;
    list(subject: string): Promise<(CardCopy & { platform: string })[]>;
  };
  calendar: {
    /** The years the admin imported, each replacing the bundled schedule of that year. */
    overrides(): Promise<YearSchedule[]>;
    replaceYear(schedule: YearSchedule): Promise<void>;
  };
  settings: {
    get<T>(key: string): Promise<T | undefined>;
    set(key: string, value: unknown): Promise<void>;
  };
}

export interface Store extends Repos {
  /** Runs `fn` in one transaction; use only the repos passed to it inside. */
  transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T>;
  /** The sender's side of the outbox. */
  outboxSender: {
    /** Claims up to `limit` due rows for this sender (rows claimed elsewhere are skipped). */
    claim(platform: string, limit: number, now: Date): Promise<OutboxRow[]>;
    markSent(id: number, messageId: string | null, now: Date): Promise<void>;
    markRetry(id: number, error: string, nextAttemptAt: Date): Promise<void>;
    /** `unknown`: an attempt may have been delivered but it cannot be confirmed. */
    markFailed(id: number, error: string, status?: 'failed' | 'unknown'): Promise<void>;
    /** The platform message id of the sent outbox row with this key (undefined until it is sent). */
    messageIdForKey(key: string): Promise<string | undefined>;
    /** The send that produced `messageId`, if it came from this outbox. */
    findSent(messageId: string): Promise<{ to: ChatRef; sentAt: Date } | undefined>;
    /** Replaces a row's payload (e.g. a rejected card with its text) and makes it due now. */
    replacePayload(id: number, payload: OutboxPayload, now: Date): Promise<void>;
    listUndelivered(
      limit: number,
    ): Promise<{ id: number; platform: string; status: string; lastError: string | null; createdAt: Date }[]>;
    pendingCount(platform: string): Promise<number>;
  };
}

// ---- local workspace --------------------------------------------------------------------------------

export interface LocalMessage {
  id: number;
  messageId: string;
  chatId: string;
  senderKind: 'user' | 'bot';
  senderId: string;
  text: string | null;
  card: Card | null;
  replyTo: string | null;
  /** A file the message carries, kept in the workspace's file folder under this key. */
  fileKey: string | null;
  fileName: string | null;
  version: number;
  createdAt: string;
}

/** The local workspace's chat history (the web page plays the chat client over it). */
export interface LocalChatLog {
  /** Inserts once per messageId; returns the stored message (the first one on a repeat). */
  add(
    m: Omit<LocalMessage, 'id' | 'version' | 'createdAt' | 'fileKey' | 'fileName'> &
      Partial<Pick<LocalMessage, 'fileKey' | 'fileName'>>,
  ): Promise<LocalMessage>;
  updateCard(messageId: string, card: Card): Promise<LocalMessage | undefined>;
  get(messageId: string): Promise<LocalMessage | undefined>;
  list(chatId: string, limit: number): Promise<LocalMessage[]>;
}
