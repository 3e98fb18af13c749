// All tables. `npm run db:generate` turns changes here into a new SQL migration in drizzle/migrations;
// migrations are committed and never edited after they land.
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  customType,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** Member departments of the joint meeting (成员单位). */
export const departments = pgTable('departments', {
  id: serial('id').primaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull().unique(),
  shortName: text('short_name'),
  /** Other spellings other lists use (省市场监管局, 市场监管部门 …), for mapping imports. */
  aliases: text('aliases').array().notNull().default(sql`'{}'::text[]`),
  /**
   * Its sub-units (所、队、科室) by name: the units an inspector library names, and the units a department may
   * hand its part of a task to.
   */
  units: text('units').array().notNull().default(sql`'{}'::text[]`),
  createdAt: createdAt(),
});

/**
 * One record per human: department, roles, and the chat account bound to it.
 * Later features add inspector attributes here rather than in a second table.
 */
export const people = pgTable(
  'people',
  {
    id: serial('id').primaryKey(),
    departmentId: integer('department_id')
      .notNull()
      .references(() => departments.id),
    name: text('name').notNull(),
    roles: text('roles').array().notNull().default(sql`'{}'::text[]`),
    chatPlatform: text('chat_platform'),
    chatUserId: text('chat_user_id'),
    boundAt: timestamp('bound_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    // Inspector attributes (执法检查人员名录库, seed 000 art. 10), filled by the inspector-library import.
    /** The person's identity in the inspector library: department + 执法证号, or department + unit + name. */
    registerKey: text('register_key').unique(),
    unit: text('unit'),
    position: text('position'),
    certificateNo: text('certificate_no'),
    certificateValidUntil: date('certificate_valid_until'),
    qualificationTags: text('qualification_tags').array().notNull().default(sql`'{}'::text[]`),
    expertise: text('expertise').array().notNull().default(sql`'{}'::text[]`),
    area: text('area'),
    isExpert: boolean('is_expert').notNull().default(false),
    /** False once a full export of the department no longer lists the person (never deleted). */
    active: boolean('active').notNull().default(true),
    rowHash: text('row_hash'),
  },
  (t) => [
    uniqueIndex('people_chat_account_uq').on(t.chatPlatform, t.chatUserId),
    index('people_department_idx').on(t.departmentId),
  ],
);

/** Periods an inspector is away (leave, training, secondment): not drawn for checks in them. */
export const personLeaves = pgTable(
  'person_leaves',
  {
    id: serial('id').primaryKey(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    fromDate: date('from_date').notNull(),
    toDate: date('to_date').notNull(),
    reason: text('reason'),
    createdAt: createdAt(),
  },
  (t) => [index('person_leaves_person_idx').on(t.personId)],
);

/** Chat accounts the bot has seen (or, in the local workspace, the accounts one can act as). */
export const chatUsers = pgTable(
  'chat_users',
  {
    platform: text('platform').notNull(),
    userId: text('user_id').notNull(),
    displayName: text('display_name').notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.userId] })],
);

/**
 * Inbound events, one row per platform event ever accepted (Lark message_id / event_id): the dedupe key.
 * `processing` rows keep their payload until handled, so an event acknowledged just before a crash is
 * picked up again after the restart; `done` rows keep only the key.
 */
export const inboundEvents = pgTable(
  'inbound_events',
  {
    key: text('key').primaryKey(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    status: text('status').notNull().default('done'),
    payload: jsonb('payload'),
    attempts: integer('attempts').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('inbound_events_processing_idx').on(t.status, t.updatedAt)],
);

/**
 * Every outbound message, written before it is sent. The idempotency key travels with the send
 * (Lark's `uuid`), so a retry after a crash never sends twice.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    platform: text('platform').notNull(),
    op: text('op').notNull(),
    target: jsonb('target').notNull(),
    payload: jsonb('payload').notNull(),
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    messageId: text('message_id'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [index('outbox_due_idx').on(t.status, t.nextAttemptAt)],
);

/**
 * Append-only, hash-chained audit log. A trigger (migration 0001) refuses UPDATE and DELETE.
 * `at` is kept as the ISO text that was hashed, so the hash never depends on a driver's date parsing.
 */
export const auditLog = pgTable('audit_log', {
  seq: bigint('seq', { mode: 'number' }).primaryKey(),
  at: text('at').notNull(),
  actor: jsonb('actor').notNull(),
  action: text('action').notNull(),
  subject: text('subject'),
  outcome: text('outcome').notNull(),
  details: jsonb('details').notNull(),
  source: text('source'),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull().unique(),
});

/** The local workspace's chat history: what the web page shows. */
export const localMessages = pgTable(
  'local_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    messageId: text('message_id').notNull().unique(),
    chatId: text('chat_id').notNull(),
    senderKind: text('sender_kind').notNull(),
    senderId: text('sender_id').notNull(),
    text: text('text'),
    card: jsonb('card'),
    replyTo: text('reply_to'),
    /** A file the message carries (a user's upload, or a file the bot sent), by its key in the file folder. */
    fileKey: text('file_key'),
    fileName: text('file_name'),
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('local_messages_chat_idx').on(t.chatId, t.id)],
);

/** Small key/value settings of the workspace (e.g. the office chat). */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Files people sent the bot (e.g. spreadsheets to import), kept by their platform file key for later download. */
export const chatFiles = pgTable('chat_files', {
  messageId: text('message_id').primaryKey(),
  platform: text('platform').notNull(),
  chatId: text('chat_id').notNull(),
  senderId: text('sender_id').notNull(),
  fileKey: text('file_key').notNull(),
  fileName: text('file_name').notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The target library (检查对象名录库, seed 000 art. 9): one row per code (统一社会信用代码, 注册号, or another
 * id). Never deleted — past draws refer to targets; a full export that no longer lists one marks it inactive.
 * `row_hash` is the hash of the imported fields, so a re-import can tell unchanged rows from changed ones.
 */
export const targets = pgTable(
  'targets',
  {
    id: serial('id').primaryKey(),
    code: text('code').notNull().unique(),
    codeKind: text('code_kind').notNull(),
    name: text('name').notNull(),
    objectType: text('object_type'),
    industry: text('industry'),
    area: text('area'),
    address: text('address'),
    registrationAuthority: text('registration_authority'),
    jurisdiction: text('jurisdiction'),
    riskClass: text('risk_class'),
    status: text('status').notNull().default('存续'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    lastInspected: date('last_inspected'),
    departmentId: integer('department_id').references(() => departments.id),
    active: boolean('active').notNull().default(true),
    rowHash: text('row_hash').notNull(),
    /**
     * Every two-character piece of the name as an integer key (domain/search-grams.ts): a GIN index on it finds
     * "any two characters" in a million names.
     */
    searchKeys: integer('search_keys').array().notNull().default(sql`'{}'::integer[]`),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // Also `targets_pool_order_idx` (migration 0022): the codes in byte order, for freezing a draw's pool.
  (t) => [
    index('targets_department_idx').on(t.departmentId),
    index('targets_search_keys_idx').using('gin', t.searchKeys),
  ],
);

/**
 * The matters list (随机抽查事项清单, seed 000 art. 7–8): one row per matter *variant* of a department — the same
 * 抽查事项 with another 检查对象, 事项类别 or 检查主体 is another row (`variant_key` hashes those).
 */
export const matters = pgTable(
  'matters',
  {
    id: serial('id').primaryKey(),
    variantKey: text('variant_key').notNull().unique(),
    departmentId: integer('department_id')
      .notNull()
      .references(() => departments.id),
    seq: text('seq'),
    category: text('category'),
    name: text('name').notNull(),
    targetType: text('target_type').notNull(),
    level: text('level').notNull(),
    methods: text('methods'),
    subject: text('subject'),
    bases: text('bases').array().notNull().default(sql`'{}'::text[]`),
    cooperating: text('cooperating'),
    ratio: text('ratio'),
    /** The floor and ceiling (percent) read from `ratio`, where it says them. */
    ratioFloor: doublePrecision('ratio_floor'),
    ratioCeiling: doublePrecision('ratio_ceiling'),
    frequency: text('frequency'),
    /** Qualification tags an inspector needs for this matter, and whether an expert must join. */
    qualificationTags: text('qualification_tags').array().notNull().default(sql`'{}'::text[]`),
    needsExpert: boolean('needs_expert').notNull().default(false),
    active: boolean('active').notNull().default(true),
    rowHash: text('row_hash').notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('matters_department_idx').on(t.departmentId)],
);

/** Conflicts an inspector declared with a target (回避, seed 000 art. 19): never drawn to check it. */
export const personConflicts = pgTable(
  'person_conflicts',
  {
    id: serial('id').primaryKey(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    targetCode: text('target_code').notNull(),
    reason: text('reason'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('person_conflicts_uq').on(t.personId, t.targetCode)],
);

/**
 * Years of the working-day calendar the admin imported (`jointcheck calendar import`): a State Council schedule
 * the bundled data does not have yet, or a correction. Each day is an exception to Monday–Friday; a year present
 * here replaces the bundled one.
 */
export const calendarOverrides = pgTable(
  'calendar_overrides',
  {
    year: integer('year').notNull(),
    date: text('date').notNull(),
    /** true: a rest day (holiday); false: a make-up working day on a weekend (调休). */
    off: boolean('off').notNull(),
    importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.year, t.date] })],
);

/**
 * Inspection plans (抽查计划): department annual plans and joint plans, filed with the office (seed 000 art.
 * 13–15). A filed plan changes only by a new revision (`revises_id`), which supersedes it once filed in turn.
 * `version` counts every change of the row, so a card can name the state it shows.
 */
export const plans = pgTable(
  'plans',
  {
    id: serial('id').primaryKey(),
    revision: integer('revision').notNull().default(1),
    revisesId: integer('revises_id'),
    year: integer('year').notNull(),
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    leadDepartmentId: integer('lead_department_id')
      .notNull()
      .references(() => departments.id),
    participantIds: integer('participant_ids').array().notNull().default(sql`'{}'::integer[]`),
    matterIds: integer('matter_ids').array().notNull().default(sql`'{}'::integer[]`),
    scope: jsonb('scope').notNull(),
    ratios: jsonb('ratios').notNull(),
    /** Fixed numbers of targets for the strata that state a count instead of a ratio. */
    counts: jsonb('counts').notNull().default(sql`'{}'::jsonb`),
    rounding: text('rounding').notNull(),
    periodStart: text('period_start').notNull(),
    periodEnd: text('period_end').notNull(),
    batches: integer('batches').notNull().default(1),
    state: text('state').notNull(),
    version: integer('version').notNull().default(1),
    /** Why the office returned it, or why this revision changes the filed plan. */
    returnReason: text('return_reason'),
    changeReason: text('change_reason'),
    /** A revision must be filed and published again within 10 working days of the change (seed 000 art. 15). */
    reentryDue: text('reentry_due'),
    createdBy: integer('created_by').references(() => people.id),
    submittedBy: integer('submitted_by').references(() => people.id),
    decidedBy: integer('decided_by').references(() => people.id),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('plans_year_idx').on(t.year, t.leadDepartmentId)],
);

/**
 * Every copy of a card that shows a record ("plan:12"): by the outbox key it was sent under (`key:…`), or by the
 * platform's message id when it became that card through a click (`msg:…`). When the record changes, each copy
 * is updated in place.
 */
export const cardCopies = pgTable(
  'card_copies',
  {
    subject: text('subject').notNull(),
    ref: text('ref').notNull(),
    platform: text('platform').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.subject, t.ref] })],
);

/**
 * The joint annual plan of a year (年度部门联合抽查计划, seed 001 (六); seed 002 art. 11): the filed joint plans the
 * office compiled, as the table it submits for approval. A change after approval is a new revision; the approved
 * one stays in force until its successor is approved.
 */
export const jointPlans = pgTable(
  'joint_plans',
  {
    id: serial('id').primaryKey(),
    year: integer('year').notNull(),
    revision: integer('revision').notNull().default(1),
    state: text('state').notNull(),
    version: integer('version').notNull().default(1),
    /** The filed joint plans it holds (`id@version`), and the public table exactly as compiled. */
    planIds: integer('plan_ids').array().notNull().default(sql`'{}'::integer[]`),
    planVersions: text('plan_versions').notNull().default(''),
    rows: jsonb('rows').notNull(),
    under: jsonb('under').notNull(),
    /** The government's approval (批准文号, date) and the publication (date, where). */
    docNo: text('doc_no'),
    approvedOn: text('approved_on'),
    publishedOn: text('published_on'),
    publishedWhere: text('published_where'),
    returnReason: text('return_reason'),
    compiledBy: integer('compiled_by').references(() => people.id),
    decidedBy: integer('decided_by').references(() => people.id),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('joint_plans_year_revision_idx').on(t.year, t.revision)],
);

/**
 * A joint inspection task (联合抽查任务) launched by its lead department from a joint plan of an approved joint
 * annual plan (seed 002 art. 12). It remembers the chat it was launched in: its notices go there.
 */
export const tasks = pgTable('tasks', {
  id: serial('id').primaryKey(),
  planId: integer('plan_id')
    .notNull()
    .references(() => plans.id),
  jointPlanId: integer('joint_plan_id')
    .notNull()
    .references(() => jointPlans.id),
  name: text('name').notNull(),
  leadDepartmentId: integer('lead_department_id')
    .notNull()
    .references(() => departments.id),
  chatPlatform: text('chat_platform').notNull(),
  chatId: text('chat_id').notNull(),
  windowStart: text('window_start').notNull(),
  windowEnd: text('window_end').notNull(),
  /** Either the number of teams or the number of targets per team. */
  teams: integer('teams'),
  targetsPerTeam: integer('targets_per_team'),
  /** Inspectors per team from each department (`{ "<department id>": n }`), the lead's included. */
  perTeam: jsonb('per_team').notNull(),
  /** Certificate holders (执法证) each team needs at least (two by seed 000 art. 19). */
  certificateHolders: integer('certificate_holders').notNull().default(2),
  /** Working days the other departments have to answer, counted from the launch day (the workspace's date). */
  acceptanceDays: integer('acceptance_days').notNull().default(3),
  launchedOn: text('launched_on'),
  /**
   * The acceptance deadline: a date, or null with `acceptanceDueText` saying why it could not be computed (the
   * sweep computes it once the calendar covers that year).
   */
  acceptanceDue: text('acceptance_due'),
  acceptanceDueText: text('acceptance_due_text').notNull(),
  state: text('state').notNull(),
  version: integer('version').notNull().default(1),
  /** The form card it was launched from (`platform:message id`): a second click on it launches nothing. */
  launchedFrom: text('launched_from').unique(),
  createdBy: integer('created_by').references(() => people.id),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Each other department's part in a task (会审): the first answer of any of its liaisons, then the office's ruling. */
export const taskDepartments = pgTable(
  'task_departments',
  {
    taskId: integer('task_id')
      .notNull()
      .references(() => tasks.id),
    departmentId: integer('department_id')
      .notNull()
      .references(() => departments.id),
    state: text('state').notNull(),
    version: integer('version').notNull().default(1),
    answeredBy: integer('answered_by').references(() => people.id),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    reason: text('reason'),
    ruledBy: integer('ruled_by').references(() => people.id),
    ruling: text('ruling'),
    /** When silence past the acceptance deadline was reported to the office (once). */
    escalatedAt: timestamp('escalated_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.taskId, t.departmentId] })],
);

/**
 * A random draw (product.md §4): the targets of a task, drawn by its lead department, or later a department's
 * inspectors. Committed first (the pool frozen and hashed, the bot's entropy committed by its hash, the notice
 * posted), then drawn once the reveal time has come; never deleted, and redone only as a new draw that
 * supersedes it. At most one current draw per task, kind and department (partial unique index).
 */
export const draws = pgTable(
  'draws',
  {
    id: serial('id').primaryKey(),
    taskId: integer('task_id')
      .notNull()
      .references(() => tasks.id),
    kind: text('kind').notNull(),
    departmentId: integer('department_id')
      .notNull()
      .references(() => departments.id),
    state: text('state').notNull(),
    version: integer('version').notNull().default(1),
    algorithm: text('algorithm').notNull(),
    /** What the pool was frozen from, as the notice states it (scope, status, exclusions and flags). */
    filters: jsonb('filters').notNull(),
    /** Per stratum: its rule, its pool and how many it draws. */
    strata: jsonb('strata').notNull(),
    split: jsonb('split').notNull(),
    poolSize: integer('pool_size').notNull(),
    poolHash: text('pool_hash').notNull(),
    /** Secret until the draw: only its hash (`bot_commitment`) is published in the notice. */
    botEntropy: text('bot_entropy').notNull(),
    botCommitment: text('bot_commitment').notNull(),
    revealAt: timestamp('reveal_at', { withTimezone: true }).notNull(),
    /** The office's reason for drawing with no input beyond the bot's own entropy. */
    noInputReason: text('no_input_reason'),
    /**
     * A public beacon named in the notice before its value exists: `{chain, round}`, then the value the office
     * entered once published (`signature`, `randomness`), checked against the chain's public key.
     */
    beacon: jsonb('beacon'),
    seed: text('seed'),
    /** The receipt's JSON exactly as handed out (text, not jsonb, so that its bytes and hash never change). */
    receipt: text('receipt'),
    /** SHA-256 of the receipt's bytes, also written to the audit chain. */
    receiptHash: text('receipt_hash'),
    committedBy: integer('committed_by').references(() => people.id),
    drawnBy: integer('drawn_by').references(() => people.id),
    drawnAt: timestamp('drawn_at', { withTimezone: true }),
    /** The superseded draw this one redoes, whose picks its card shows beside its own. */
    replacesId: integer('replaces_id'),
    /** Why it was superseded (the approved redraw's reason). */
    supersedeReason: text('supersede_reason'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('draws_current_uq')
      .on(t.taskId, t.kind, t.departmentId)
      .where(sql`state in ('committed', 'drawn')`),
  ],
);

/** Bytes, as PostgreSQL's `bytea`: written and read by SQL of its own (store/draw-repo.ts), never as a whole. */
const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

/**
 * A draw's frozen pool as its canonical bytes (`<id>\t<stratum>\n` sorted by id in byte order, UTF-8): exactly
 * the pool file an auditor gets, and the bytes whose SHA-256 the notice publishes. One value per draw, so a
 * 3,000,000-target pool is frozen by one sorted aggregate rather than millions of rows; bytes rather than text,
 * so that a draw reads it a slice at a time, fetching only that slice (a slice of text in UTF-8 is counted in
 * characters from the start). A target draw's freeze also keeps what it counted for the notice (in scope,
 * excluded, per stratum), so that one statement both stores and reports.
 */
export const drawPools = pgTable('draw_pools', {
  drawId: integer('draw_id')
    .primaryKey()
    .references(() => draws.id),
  content: bytea('content').notNull(),
  counts: jsonb('counts').$type<Record<string, number>>(),
});

/** A department's contribution to a draw's seed (any text), one per department, until the reveal time. */
export const drawContributions = pgTable(
  'draw_contributions',
  {
    drawId: integer('draw_id')
      .notNull()
      .references(() => draws.id),
    departmentId: integer('department_id')
      .notNull()
      .references(() => departments.id),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    value: text('value').notNull(),
    hash: text('hash').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.drawId, t.departmentId] })],
);

/**
 * The targets a draw picked, in draw order, with their stratum and team (also in the receipt). Written by COPY in
 * the draw's own transaction; no foreign key, whose per-row check would cost a 150,000-pick draw about a second.
 */
export const drawPicks = pgTable(
  'draw_picks',
  {
    drawId: integer('draw_id').notNull(),
    position: integer('position').notNull(),
    code: text('code').notNull(),
    stratum: text('stratum').notNull(),
    team: integer('team').notNull(),
    /** A replacement (递补): the code of the pick it stands in for. */
    replaces: text('replaces'),
    /** Why the pick was withdrawn (an approved replacement's reason); it stays listed. */
    withdrawn: text('withdrawn'),
  },
  (t) => [primaryKey({ columns: [t.drawId, t.position] })],
);

/**
 * The drawn list handed to each department of the task (seed 000 art. 18), with the deadline for drawing its
 * inspectors (seed 000 art. 19: 5 working days; also the deadline to dispatch it to a sub-unit).
 */
export const drawHandovers = pgTable(
  'draw_handovers',
  {
    drawId: integer('draw_id')
      .notNull()
      .references(() => draws.id),
    departmentId: integer('department_id')
      .notNull()
      .references(() => departments.id),
    handedOn: text('handed_on').notNull(),
    inspectorsDue: text('inspectors_due'),
    inspectorsDueText: text('inspectors_due_text').notNull(),
    /** False when no liaison could be reached on the task's platform (the office was told instead). */
    reached: boolean('reached').notNull(),
    /** seed 000 art. 18: the last day a department that delegates its part may dispatch the list to a sub-unit. */
    dispatchDue: text('dispatch_due'),
    /** The sub-unit (所、队) the department delegated its part to, when and by whom it dispatched the list. */
    delegatedTo: text('delegated_to'),
    delegatedOn: text('delegated_on'),
    delegatedBy: integer('delegated_by').references(() => people.id),
  },
  (t) => [primaryKey({ columns: [t.drawId, t.departmentId] })],
);

/** The people a department's inspector draw put on each team (also in its receipt); the lead's draw marks leaders. */
export const drawTeamMembers = pgTable(
  'draw_team_members',
  {
    drawId: integer('draw_id')
      .notNull()
      .references(() => draws.id),
    team: integer('team').notNull(),
    position: integer('position').notNull(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    certified: boolean('certified').notNull(),
    expert: boolean('expert').notNull(),
    leader: boolean('leader').notNull().default(false),
    /** Re-selected (重新选派, seed 000 art. 19): the person this member stands in for. */
    replaces: integer('replaces'),
    /** Why the member was withdrawn (kept listed). */
    withdrawn: text('withdrawn'),
    /** A hand-picked member (指定选派): the office-approved request that put them here, outside the ranking. */
    choiceId: integer('choice_id').references(() => drawChoices.id),
  },
  (t) => [primaryKey({ columns: [t.drawId, t.team, t.position] })],
);

/**
 * A request to redo a draw (product.md §4.7): a reason, then a second office member's approval — never the
 * requester's own. At most one open request per draw.
 */
export const drawRedraws = pgTable(
  'draw_redraws',
  {
    id: serial('id').primaryKey(),
    drawId: integer('draw_id')
      .notNull()
      .references(() => draws.id),
    state: text('state').notNull(),
    version: integer('version').notNull().default(1),
    reason: text('reason').notNull(),
    requestedBy: integer('requested_by')
      .notNull()
      .references(() => people.id),
    decidedBy: integer('decided_by').references(() => people.id),
    decisionNote: text('decision_note'),
    createdAt: createdAt(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('draw_redraws_open_uq').on(t.drawId).where(sql`state = 'requested'`)],
);

/**
 * A request to replace a drawn target (递补, product.md §4.8): only for a registry error proven at the draw date or
 * 回避 that cannot be met, only before the departments start drawing their inspectors, only with the office's
 * approval; always the next reserve target of the same stratum.
 */
export const drawReplacements = pgTable(
  'draw_replacements',
  {
    id: serial('id').primaryKey(),
    drawId: integer('draw_id')
      .notNull()
      .references(() => draws.id),
    code: text('code').notNull(),
    /** `registry` (the library was wrong at the draw date) or `recusal` (回避 that cannot be met). */
    cause: text('cause').notNull(),
    note: text('note').notNull(),
    state: text('state').notNull(),
    version: integer('version').notNull().default(1),
    requestedBy: integer('requested_by')
      .notNull()
      .references(() => people.id),
    decidedBy: integer('decided_by').references(() => people.id),
    decisionNote: text('decision_note'),
    replacementCode: text('replacement_code'),
    createdAt: createdAt(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('draw_replacements_open_uq').on(t.drawId, t.code).where(sql`state = 'requested'`)],
);

/**
 * Hand-picked re-selections (指定选派, seed 000 art. 19 重新选派): a department asks to put a named person in place of a
 * drawn member, outside the draw's ranking; another office member approves or rejects, and the reason is kept.
 */
export const drawChoices = pgTable(
  'draw_choices',
  {
    id: serial('id').primaryKey(),
    drawId: integer('draw_id')
      .notNull()
      .references(() => draws.id),
    personOut: integer('person_out')
      .notNull()
      .references(() => people.id),
    personIn: integer('person_in')
      .notNull()
      .references(() => people.id),
    reason: text('reason').notNull(),
    state: text('state').notNull(),
    version: integer('version').notNull().default(1),
    requestedBy: integer('requested_by')
      .notNull()
      .references(() => people.id),
    decidedBy: integer('decided_by').references(() => people.id),
    decisionNote: text('decision_note'),
    createdAt: createdAt(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('draw_choices_open_uq').on(t.drawId, t.personOut).where(sql`state = 'requested'`)],
);
