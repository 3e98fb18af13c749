// The receipt of a department's inspector draw (product.md §4.5–4.6): the frozen candidates and teams (the
// "pool"), every seed input, the quota, the teams drawn, every exclusion with its reason, the edits made after
// the target list was handed over, and the audit head — and the check that recomputes it with no database.
import { canonicalJson } from './audit-chain.ts';
import { holdsCertificate } from './availability.ts';
import { drawSeed, inputProblems, type SeedInput, score, sha256 } from './draw.ts';
import { seedInputs } from './draw-receipt.ts';
import {
  type Candidate,
  type DrawnTeam,
  drawInspectors,
  type Exclusion,
  INSPECTOR_ALGORITHM,
  type InspectorQuota,
  type TeamTargets,
} from './inspector-draw.ts';

export const INSPECTOR_RECEIPT_FORMAT = 'jointcheck-inspector-receipt';

export const INSPECTOR_ENCODING = {
  pool: 'canonical JSON (keys sorted, no spaces, UTF-8) of {"candidates": [...], "quota": {...}, "teams": [...]}; pool hash = SHA-256 of it (hex)',
  seed: 'as jointcheck-draw/1: SHA-256 of "jointcheck-draw/1\\n" + "task:<task>\\n" + "pool:<pool hash>\\n" + the lines "<kind>\\t<label>\\t<SHA-256 of value>\\n" sorted in byte order',
  score: 'SHA-256 of UTF-8("<seed hex>inspector<team>\\t<person id>"), lowercase hex',
  selection:
    'teams in ascending number; eligible people ordered by teams already given (fewest first), then score; certificate holders first, then an expert, then the rest; the lead department’s top-ranked certified member leads',
} as const;

/**
 * What the draw froze at its commit: the people and what decides their eligibility, the teams' targets, and what
 * the department owes each team — all under the one hash the notice publishes.
 */
export interface InspectorPool {
  candidates: Candidate[];
  teams: TeamTargets[];
  quota: InspectorQuota;
  /** The sub-unit the department delegated its part to, whose people these are (seed 000 art. 18). */
  unit?: string;
}

/** A change to a person's leave or conflicts made after the target list was handed over (flagged, product.md §4.5). */
export interface LateEdit {
  id: string;
  name: string;
  what: 'leave' | 'conflict';
  detail: string;
  at: string;
}

export interface InspectorReceipt {
  format: typeof INSPECTOR_RECEIPT_FORMAT;
  algorithm: string;
  encoding: Record<keyof typeof INSPECTOR_ENCODING, string>;
  task: { ref: string; name: string };
  /** The department, and the sub-unit it delegated its part to, if it did (seed 000 art. 18). */
  department: { code: string; name: string; unit?: string };
  drawnAt: string;
  pool: InspectorPool & { hash: string };
  seed: { botCommitment: string; inputs: (SeedInput & { hash: string })[]; value: string };
  teams: DrawnTeam[];
  exclusions: Exclusion[];
  lateEdits: LateEdit[];
  auditHead: { seq: number; hash: string } | null;
}

/** The pool's canonical text: what is stored, hashed and put in the receipt. */
export const inspectorPoolText = (pool: InspectorPool) =>
  canonicalJson({
    candidates: pool.candidates,
    quota: pool.quota,
    teams: pool.teams,
    ...(pool.unit ? { unit: pool.unit } : {}),
  });

/** The seed reference of a department's inspector draw: its own, never the target draw's. */
export const inspectorTaskRef = (taskRef: string, departmentCode: string) =>
  `${taskRef}/inspectors/${departmentCode}`;

export function inspectorReceiptOf(input: {
  taskRef: string;
  taskName: string;
  department: InspectorReceipt['department'];
  drawnAt: string;
  pool: InspectorPool;
  botEntropy: string;
  inputs: readonly SeedInput[];
  teams: DrawnTeam[];
  exclusions: Exclusion[];
  lateEdits: LateEdit[];
  auditHead: InspectorReceipt['auditHead'];
}): InspectorReceipt {
  const hash = sha256(inspectorPoolText(input.pool));
  const inputs = seedInputs(input.botEntropy, input.inputs);
  return {
    format: INSPECTOR_RECEIPT_FORMAT,
    algorithm: INSPECTOR_ALGORITHM,
    encoding: { ...INSPECTOR_ENCODING },
    task: { ref: input.taskRef, name: input.taskName },
    department: input.department,
    drawnAt: input.drawnAt,
    pool: { ...input.pool, hash },
    seed: {
      botCommitment: sha256(input.botEntropy),
      inputs: inputs.map((i) => ({ ...i, hash: sha256(i.value) })),
      value: drawSeed(inspectorTaskRef(input.taskRef, input.department.code), hash, inputs),
    },
    teams: input.teams,
    exclusions: input.exclusions,
    lateEdits: input.lateEdits,
    auditHead: input.auditHead,
  };
}

const membersText = (t: DrawnTeam) =>
  `${t.members.map((m) => m.name).join('、')}${t.leader ? `（组长 ${t.members.find((m) => m.id === t.leader)?.name}）` : ''}`;

/** Recomputes an inspector draw from its receipt: every difference, empty when consistent. */
export function verifyInspectorReceipt(receipt: InspectorReceipt): string[] {
  if (receipt.algorithm !== INSPECTOR_ALGORITHM) {
    return [`收据的算法版本为“${receipt.algorithm}”，本程序核对的是“${INSPECTOR_ALGORITHM}”。`];
  }
  const problems: string[] = [];
  const hash = sha256(inspectorPoolText(receipt.pool));
  if (hash !== receipt.pool.hash) {
    problems.push(
      `候选人员、检查组或每组要求不一致：收据记载的哈希为 ${receipt.pool.hash.slice(0, 12)}…，按收据内容计算为 ${hash.slice(0, 12)}…。`,
    );
  }
  if ((receipt.department.unit ?? null) !== (receipt.pool.unit ?? null))
    problems.push('收据中的受委托单位与候选人员所属单位不一致。');
  problems.push(...inputProblems(receipt.seed.inputs));
  for (const i of receipt.seed.inputs) {
    if (sha256(i.value) !== i.hash)
      problems.push(
        `${i.kind === 'bot' ? '机器人熵值' : `“${i.label}”的贡献`}的内容与收据记载的哈希不一致。`,
      );
  }
  const bot = receipt.seed.inputs.find((i) => i.kind === 'bot');
  if (!bot || sha256(bot.value) !== receipt.seed.botCommitment)
    problems.push('机器人熵值与抽取公告中承诺的哈希不一致。');
  const seed = drawSeed(
    inspectorTaskRef(receipt.task.ref, receipt.department.code),
    receipt.pool.hash,
    receipt.seed.inputs,
  );
  if (seed !== receipt.seed.value) problems.push('种子与种子输入不一致。');
  if (problems.length > 0) {
    problems.push('种子或候选人员不一致时，抽取结果无法复核，以上问题须先查明。');
    return problems;
  }
  const again = drawInspectors(seed, receipt.pool.candidates, receipt.pool.teams, receipt.pool.quota);
  if (!again.ok) return ['按收据重新计算时人员不足，收据中的抽取结果不可能由本算法得出。'];
  const longest = Math.max(again.teams.length, receipt.teams.length);
  for (let i = 0; i < longest; i++) {
    const stated = receipt.teams[i];
    const computed = again.teams[i];
    if (!stated || !computed) {
      problems.push(`检查组数量不一致：收据 ${receipt.teams.length} 个，重新计算 ${again.teams.length} 个。`);
      break;
    }
    if (canonicalJson(stated) !== canonicalJson(computed)) {
      problems.push(
        `第 ${computed.team} 组不一致：收据为 ${membersText(stated)}，重新计算为 ${membersText(computed)}。`,
      );
    }
  }
  if (canonicalJson(receipt.exclusions) !== canonicalJson(again.exclusions))
    problems.push('排除人员及原因与重新计算的结果不一致。');
  return problems;
}

export const TEAMS_IN_USE_FORMAT = 'jointcheck-teams-in-use';

/**
 * An inspector draw's teams as they stand after it: every member row (the drawn, the withdrawn with why, those who
 * took their places), and the hand-picks the office approved. Exported beside the receipt, it lets anyone re-check
 * the changes made since the draw with no database (`checkTeamsInUse`).
 */
export interface TeamsInUse {
  format: typeof TEAMS_IN_USE_FORMAT;
  /** The receipt these teams come from, by the SHA-256 of its bytes. */
  receiptHash: string;
  members: {
    team: number;
    id: string;
    name: string;
    certified: boolean;
    leader: boolean;
    /** The member this one took the place of. */
    replaces: string | null;
    withdrawn: string | null;
    /** The approved hand-pick (指定选派) that put them here. */
    choice: number | null;
  }[];
  choices: { id: number; out: string; in: string; reason: string; decidedAt: string | null }[];
}

/**
 * The teams in use against the receipt: each team's drawn members as the receipt lists them (none missing, none
 * added); every later member either in the team's reserve ranking (重新选派) or an approved hand-pick for the member
 * it names; each replaced member withdrawn; and the lead department's leader the top-ranked certificate holder of
 * the team as it now stands. The differences, empty when all hold.
 */
export function checkTeamsInUse(receipt: InspectorReceipt, inUse: Pick<TeamsInUse, 'members' | 'choices'>) {
  const choices = new Map(inUse.choices.map((c) => [c.id, c]));
  // Who holds a valid certificate is the receipt's to say for everyone in its pool; only a hand-picked person from
  // outside it is taken from the file.
  const pooled = new Map(receipt.pool.candidates.map((c) => [c.id, c]));
  const certified = (m: TeamsInUse['members'][number]) => {
    const c = pooled.get(m.id);
    return c ? holdsCertificate(c, receipt.pool.quota.window) : m.certified;
  };
  const problems: string[] = [];
  for (const team of receipt.teams) {
    const rows = inUse.members.filter((m) => m.team === team.team);
    const drawn = rows.filter((m) => m.replaces === null).map((m) => m.id);
    if (drawn.join(',') !== team.members.map((m) => m.id).join(','))
      problems.push(`第 ${team.team} 组的抽中人员与收据不一致。`);
    for (const m of rows.filter((x) => x.replaces !== null)) {
      if ((rows.find((x) => x.id === m.replaces)?.withdrawn ?? null) === null)
        problems.push(`第 ${team.team} 组：${m.name} 顶替的人员没有记录为退出。`);
      if (m.choice !== null) {
        const c = choices.get(m.choice);
        if (!c || c.in !== m.id || c.out !== m.replaces)
          problems.push(`第 ${team.team} 组：${m.name} 没有经批准的指定选派申请。`);
      } else if (!team.reserve.includes(m.id)) {
        problems.push(`第 ${team.team} 组：${m.name} 不在本组的顺延排名中，也不是经批准的指定选派。`);
      }
    }
    if (receipt.pool.quota.leads) {
      const holders = rows.filter((m) => m.withdrawn === null && certified(m)).map((m) => m.id);
      const ranked = holders.sort((a, b) => {
        const x = score(receipt.seed.value, 'inspector', `${team.team}\t${a}`);
        const y = score(receipt.seed.value, 'inspector', `${team.team}\t${b}`);
        return x < y ? -1 : x > y ? 1 : 0;
      });
      const leaders = rows.filter((m) => m.leader && m.withdrawn === null).map((m) => m.id);
      if (leaders.length !== 1 || leaders[0] !== ranked[0])
        problems.push(`第 ${team.team} 组的组长不是本组排名最前的持证人员。`);
    }
  }
  for (const m of inUse.members) {
    if (!receipt.teams.some((t) => t.team === m.team))
      problems.push(`收据中没有第 ${m.team} 组，名单中却有 ${m.name}。`);
  }
  return problems;
}
