// The command line beside the server: migrations, the audit chain, bindings, demo data.
// Exit codes: 0 done, 1 failed (e.g. the audit chain is broken), 2 wrong usage or the database is busy.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { importCalendar, workingCalendar } from './app/calendar.ts';
import { teamsInUse } from './app/choices.ts';
import { seedDemo } from './app/demo.ts';
import { checkBeacon, verifyReceiptFile, verifyTeamsFile } from './app/draw-files.ts';
import { drawFiles } from './app/draw-protocol.ts';
import { headerTest, importRegister } from './app/import-registers.ts';
import { errorFileCsv } from './app/import-runner.ts';
import { compileJointPlan, jointPlanTitle } from './app/joint-plan.ts';
import { bindMember, listMembers } from './app/members.ts';
import type { Store } from './app/ports.ts';
import { chaseInspectorDraws, remindReviews } from './app/reminders.ts';
import type { Services } from './app/services.ts';
import { escalateOverdue } from './app/tasks.ts';
import {
  isSettingName,
  type SettingName,
  setSetting,
  settingValue,
  WORKSPACE_SETTINGS,
} from './app/workspace-settings.ts';
import { drandBeacons } from './beacon/drand.ts';
import { type Config, loadConfig } from './config.ts';
import { type AuditActor, ChainVerifier, describeProblem } from './domain/audit-chain.ts';
import { DomainError } from './domain/errors.ts';
import { inspectorLabels } from './domain/inspector-record.ts';
import { localDate, localHour } from './domain/local-date.ts';
import { matterLabels } from './domain/matter-record.ts';
import { formatRoles, parseRole, roleLabels, roles } from './domain/roles.ts';
import { targetFieldLabels } from './domain/target-record.ts';
import { readTable } from './files/read-table.ts';
import { xlsxTableWriter } from './files/write-table.ts';
import { createLogger } from './logger.ts';
import { readChain } from './store/audit-repo.ts';
import { DataDirLockedError, type OpenedDb, openDb } from './store/db.ts';
import { createStore } from './store/store.ts';

const USAGE = `用法：jointcheck <命令> [选项]（在项目目录中也可以用 npm run cli -- <命令>）

  db migrate                         执行数据库迁移
  audit verify [--head 哈希]... [--json]
                                     校验审计链；--head 给出曾公布的链头，确认整条链未被重写
  audit list [--limit N] [--action 动作] [--json]
                                     查看审计记录（默认最近 50 条）
  audit head                         显示当前链头（序号和哈希）
  dept add --code 代码 --name 全称 [--short 简称] [--aliases 别名,别名]
                                     添加成员单位（飞书部署没有演示数据，先添加部门再绑定成员）
  dept alias --code 代码 --aliases 别名,别名
                                     添加别名（其他清单对该部门的叫法，如 省市场监管局、市场监管部门）
  dept unit --code 代码 --units 名称,名称
                                     添加下属单位（所、队、科室）；导入检查人员时也会自动登记
  dept list [--json]                 查看成员单位
  member add --user 账号 --dept 部门 --role 角色 [--name 姓名] [--platform 平台]
                                     绑定成员；新工作区的第一位办公室成员用它绑定
  member list [--dept 部门] [--json] 查看已绑定的成员
  import targets|matters|inspectors <文件> [--dept 部门] [--mapping 映射文件] [--dry-run] [--partial] [--json]
         targets 另有 [--tag 专项库] [--sync]：--sync 表示文件是该部门（或专项库）的全量导出，
         其中没有的对象标为停用（从不删除）
                                     导入检查对象名录库、抽查事项清单或执法检查人员名录库（.xlsx、.xls、WPS 的 XML 表格或 CSV）。默认全部或全不导入；
                                     --partial 只导入正确的行；--dry-run 只检查不写入
  outbox list [--json]               未送达的消息（发送失败或送达情况不明）
  plan export <年份> [--out 文件]    导出年度部门联合抽查计划公示表（.xlsx），并列出联合抽查占比不足 10% 的部门
  calendar import <文件>             导入一年的放假和调休安排（JSON，见 README），替换该年原有安排
  calendar list [--json]             查看工作日历覆盖哪些年份；未覆盖年份的期限不计算
  setting list [--json]              查看工作区设置（一般事项比例上限、会审期限等）及其当前值
  setting set <名称> <值>            修改一项工作区设置
  draw verify <收据.json> [--pool 对象池文件] [--teams 检查组现状文件]
                                     重新计算一次抽取并与收据核对（不需要数据库）：一致，或逐项列出不一致之处；
                                     --teams 同时核对检查人员抽取之后的重新选派和指定选派
  draw export <任务编号> [--out 目录]
                                     导出任务各次抽取的收据（对象池不在收据中时另附对象池文件；检查人员抽取另附
                                     检查组现状文件），供离线复核或存档
  job run                            立即执行一次期限检查（服务每 5 分钟也会自动执行）：会审和选派检查人员按期限提醒，
                                     逾期未答复的会审报办公室，逾期未选派的催办并报办公室；消息进入发送队列，服务运行时发出
  seed demo                          向空数据库载入演示数据（仅本地工作区）
  help                               显示本帮助

角色：${roles.map((r) => `${r}（${roleLabels[r]}）`).join('、')}`;

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const cliActor = (): AuditActor => ({ kind: 'cli', id: `cli:${userInfo().username}` });

class UsageError extends Error {}

const splitList = (text: string) =>
  text
    .split(/[,，、]/)
    .map((t) => t.trim())
    .filter(Boolean);

/** A mapping file: JSON from field (English name or Chinese label) to the header used in the file. */
function readMapping(path: string, labels: Record<string, string>): Record<string, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`映射文件 ${path} 无法读取或不是 JSON：${(error as Error).message}`);
  }
  const byLabel = new Map(Object.entries(labels).map(([field, label]) => [label, field]));
  const mapping: Record<string, string> = {};
  for (const [key, header] of Object.entries(raw as Record<string, unknown>)) {
    const field = key in labels ? key : byLabel.get(key);
    if (!field || typeof header !== 'string') throw new UsageError(`映射文件中的“${key}”不是可映射的字段`);
    mapping[field] = header;
  }
  return mapping;
}

export async function runCli(
  argv: string[],
  config: Config,
  io: CliIo,
  open: () => Promise<OpenedDb> = () =>
    openDb({
      ...(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : {}),
      dataDir: config.DATA_DIR,
      holder: `命令行 jointcheck ${argv.join(' ')}`,
    }),
): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: {
      json: { type: 'boolean' },
      head: { type: 'string', multiple: true },
      limit: { type: 'string' },
      action: { type: 'string' },
      user: { type: 'string' },
      dept: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      platform: { type: 'string' },
      code: { type: 'string' },
      short: { type: 'string' },
      aliases: { type: 'string' },
      units: { type: 'string' },
      out: { type: 'string' },
      mapping: { type: 'string' },
      'dry-run': { type: 'boolean' },
      sync: { type: 'boolean' },
      tag: { type: 'string' },
      partial: { type: 'boolean' },
      pool: { type: 'string' },
      teams: { type: 'string' },
    },
  });
  const [group, verb] = positionals;
  const command = `${group ?? ''} ${verb ?? ''}`.trim();
  const known = [
    'dept add',
    'dept list',
    'db migrate',
    'audit verify',
    'audit list',
    'audit head',
    'member add',
    'member list',
    'outbox list',
    'calendar import',
    'plan export',
    'calendar list',
    'setting list',
    'setting set',
    'import targets',
    'import matters',
    'import inspectors',
    'dept alias',
    'dept unit',
    'seed demo',
    'draw verify',
    'draw export',
    'job run',
  ];
  if (!group || group === 'help' || values.help) {
    io.out(USAGE);
    return 0;
  }
  if (!known.includes(command)) {
    io.err(`未知命令：${command}\n\n${USAGE}`);
    return 2;
  }

  // Re-checking a receipt needs no database: an auditor's machine has only the project.
  if (command === 'draw verify') {
    try {
      return await verifyDraw(
        positionals[2],
        typeof values.pool === 'string' ? values.pool : undefined,
        typeof values.teams === 'string' ? values.teams : undefined,
        io,
      );
    } catch (error) {
      if (error instanceof UsageError) {
        io.err(`${error.message}\n\n${USAGE}`);
        return 2;
      }
      if (error instanceof DomainError) {
        io.err(error.userMessage);
        return 1;
      }
      throw error;
    }
  }

  let opened: OpenedDb;
  try {
    opened = await open();
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      io.err(error.message);
      return 2;
    }
    throw error;
  }
  try {
    const store = createStore(opened.db);
    return await runCommand(
      command,
      values as Record<string, unknown>,
      store,
      opened,
      config,
      io,
      positionals.slice(2),
    );
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof DomainError) {
      io.err(`${error.userMessage}${error.hint ? `\n${error.hint}` : ''}`);
      return 1;
    }
    throw error;
  } finally {
    await opened.close();
  }
}

/**
 * `draw verify <收据> [--pool 文件] [--teams 文件]`: prints 一致, or each difference (exit 1). With `--teams`, an
 * inspector draw's teams as they now stand are held to the receipt too.
 */
async function verifyDraw(
  file: string | undefined,
  poolFile: string | undefined,
  teamsFile: string | undefined,
  io: CliIo,
): Promise<number> {
  if (!file) throw new UsageError('draw verify 需要收据文件路径');
  const read = (path: string) => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new DomainError(
        'FILE_UNREADABLE',
        `无法读取文件 ${path}（${(error as NodeJS.ErrnoException).code}）。`,
      );
    }
  };
  const text = read(file).toString('utf8');
  const checked = verifyReceiptFile(text, poolFile ? read(poolFile) : undefined);
  const problems = [
    ...checked.problems,
    ...(await checkBeacon(checked.receipt, drandBeacons())),
    ...(teamsFile ? verifyTeamsFile(text, read(teamsFile).toString('utf8')) : []),
  ];
  const { summary } = checked;
  if (problems.length === 0) {
    io.out(`一致：${summary}`);
    return 0;
  }
  io.out(`不一致（${problems.length} 处）：`);
  for (const p of problems) io.out(`- ${p}`);
  return 1;
}

async function runCommand(
  command: string,
  values: Record<string, unknown>,
  store: Store,
  opened: OpenedDb,
  config: Config,
  io: CliIo,
  rest: string[] = [],
): Promise<number> {
  const json = values.json === true;
  switch (command) {
    case 'db migrate':
      // openDb has already migrated (under the advisory lock).
      io.out('数据库迁移已完成。');
      return 0;

    case 'audit head': {
      const head = await store.audit.head();
      io.out(head ? `${head.seq} ${head.hash}` : '审计链为空。');
      return 0;
    }

    case 'audit verify': {
      const heads = (values.head as string[] | undefined) ?? [];
      const verifier = new ChainVerifier(heads);
      for await (const entry of readChain(opened.db)) if (!verifier.push(entry)) break;
      const report = verifier.finish();
      if (json) io.out(JSON.stringify(report));
      else if (report.ok) {
        io.out(
          `审计链完好：共 ${report.count} 条，链头 #${report.head?.seq ?? 0} ${report.head?.hash ?? '（空）'}`,
        );
      } else io.err(`审计链校验失败：${describeProblem(report.problem!)}`);
      return report.ok ? 0 : 1;
    }

    case 'audit list': {
      const limit = values.limit === undefined ? 50 : Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit 必须是正整数');
      const entries = await store.audit.list({
        limit,
        ...(typeof values.action === 'string' ? { action: values.action } : {}),
      });
      if (json) io.out(JSON.stringify(entries, null, 2));
      else if (entries.length === 0) io.out('没有审计记录。');
      else {
        for (const e of entries) {
          io.out(
            `#${e.seq} ${e.at} ${e.outcome === 'ok' ? '' : `[${e.outcome}] `}${e.action}${e.subject ? ` ${e.subject}` : ''} — ${
              e.actor.name ?? e.actor.id
            }`,
          );
        }
      }
      return 0;
    }

    case 'dept add': {
      const code = values.code;
      const name = values.name;
      if (typeof code !== 'string' || typeof name !== 'string' || !/^[a-z0-9_-]{1,32}$/i.test(code)) {
        throw new UsageError('dept add 需要 --code（字母、数字、- 或 _）和 --name');
      }
      const shortName = typeof values.short === 'string' ? values.short : null;
      const aliases = typeof values.aliases === 'string' ? splitList(values.aliases) : [];
      const added = await store.transaction(async (tx) => {
        for (const text of [code, name, shortName].filter((t): t is string => Boolean(t))) {
          if (await tx.departments.find(text)) return undefined;
        }
        const department = await tx.departments.create({ code, name, shortName, aliases });
        await tx.audit.append({
          actor: cliActor(),
          action: 'department.add',
          subject: `department:${department.id}`,
          outcome: 'ok',
          details: { code, name, shortName, aliases },
        });
        return department;
      });
      if (!added) {
        io.err(`已有代码、名称或简称相同的部门，未添加。`);
        return 1;
      }
      io.out(`已添加部门：${name}（${code}）`);
      return 0;
    }

    case 'dept alias':
    case 'dept unit': {
      // The same for both lists: names added once each, audited with the list as it now stands.
      const verb = command === 'dept alias' ? 'alias' : 'unit';
      const list = verb === 'alias' ? 'aliases' : 'units';
      const given = values[list];
      if (typeof values.code !== 'string' || typeof given !== 'string') {
        throw new UsageError(`dept ${verb} 需要 --code 和 --${list}`);
      }
      const code = values.code;
      const names = splitList(given);
      const department = await store.transaction(async (tx) => {
        const found = await tx.departments.find(code);
        if (!found) return undefined;
        const updated = await tx.departments.addNames(found.id, list, names);
        await tx.audit.append({
          actor: cliActor(),
          action: `department.${verb}`,
          subject: `department:${found.id}`,
          outcome: 'ok',
          details: { added: names, [list]: updated[list] },
        });
        return updated;
      });
      if (!department) {
        io.err(`未找到部门“${code}”。`);
        return 1;
      }
      io.out(
        `${department.name} 的${list === 'aliases' ? '别名' : '下属单位'}：${department[list].join('、')}`,
      );
      return 0;
    }

    case 'dept list': {
      const departments = await store.departments.list();
      if (json) io.out(JSON.stringify(departments, null, 2));
      else if (departments.length === 0) io.out('还没有部门。用 dept add 添加。');
      else {
        for (const d of departments)
          io.out(
            `${d.code}\t${d.name}\t${d.shortName ?? ''}\t别名：${d.aliases.join('、') || '—'}\t下属单位：${d.units.join('、') || '—'}`,
          );
      }
      return 0;
    }

    case 'member add': {
      const user = values.user;
      const dept = values.dept;
      const roleText = values.role;
      if (typeof user !== 'string' || typeof dept !== 'string' || typeof roleText !== 'string') {
        throw new UsageError('member add 需要 --user、--dept 和 --role');
      }
      const role = parseRole(roleText);
      if (!role) throw new UsageError(`“${roleText}”不是角色`);
      const platform = typeof values.platform === 'string' ? values.platform : config.PLATFORM;
      const known = await store.chatUsers.get(platform, user);
      const name = typeof values.name === 'string' ? values.name : known?.displayName;
      if (!name) throw new UsageError('这个账号还没有和机器人说过话：请用 --name 给出姓名');
      const outcome = await bindMember(store, {
        by: cliActor(),
        user: { platform, userId: user, displayName: name },
        department: dept,
        role,
      });
      io.out(
        outcome.kind === 'unchanged'
          ? `${name} 已经是 ${outcome.department.name} 的${roleLabels[role]}。`
          : `已绑定：${name}（${outcome.department.name}）角色：${formatRoles(outcome.person.roles)}`,
      );
      return 0;
    }

    case 'member list': {
      const members = await listMembers(store, typeof values.dept === 'string' ? values.dept : undefined);
      if (json) {
        io.out(
          JSON.stringify(
            members.map((m) => ({
              name: m.person.name,
              department: m.department.code,
              roles: m.person.roles,
              platform: m.person.chatPlatform,
              user: m.person.chatUserId,
            })),
            null,
            2,
          ),
        );
      } else if (members.length === 0) io.out('还没有绑定的成员。');
      else {
        for (const m of members) {
          io.out(
            `${m.department.name}\t${m.person.name}\t${formatRoles(m.person.roles)}\t${m.person.chatUserId}`,
          );
        }
      }
      return 0;
    }

    case 'import targets':
    case 'import matters':
    case 'import inspectors': {
      const file = rest[0];
      const what = command.split(' ')[1] as 'targets' | 'matters' | 'inspectors';
      if (!file) throw new UsageError(`import ${what} 需要文件路径`);
      const dept = typeof values.dept === 'string' ? values.dept : undefined;
      const labels =
        what === 'targets' ? targetFieldLabels : what === 'matters' ? matterLabels : inspectorLabels;
      const mapping = typeof values.mapping === 'string' ? readMapping(values.mapping, labels) : undefined;
      const table = await readTable(file, {
        isHeader: headerTest(what, {
          ...(dept ? { department: dept } : {}),
          ...(mapping ? { mapping } : {}),
        }),
      });
      const started = Date.now();
      const tty = process.stderr.isTTY === true;
      const today = localDate(new Date(), config.TZ);
      const report = await importRegister(store, what, table, {
        today,
        by: cliActor(),
        fileName: basename(file),
        ...(dept ? { department: dept } : {}),
        ...(mapping ? { mapping } : {}),
        partial: values.partial === true,
        dryRun: values['dry-run'] === true,
        ...(typeof values.tag === 'string' ? { tag: values.tag } : {}),
        ...(values.sync === true ? { sync: true } : {}),
        onProgress: (rows) => {
          const seconds = Math.max(0.001, (Date.now() - started) / 1000);
          const rate = Math.round(rows / seconds);
          const f = table.fraction?.() ?? 0;
          const eta = f > 0.01 && f < 1 ? `，约剩 ${Math.ceil((seconds * (1 - f)) / f)} 秒` : '';
          const line = `已读 ${rows} 行（${rate} 行/秒${eta}）`;
          if (json) return;
          if (tty) process.stderr.write(`\r${line}   `);
          else io.err(line);
        },
      });
      if (tty && !json) process.stderr.write('\n');
      // The full error list beside the file, for people; with --json the errors are in the JSON instead.
      let errorFile: string | undefined;
      if (report.errors.length > 0 && !json) {
        errorFile = `${file}.errors.csv`;
        try {
          writeFileSync(errorFile, errorFileCsv(report), 'utf8');
        } catch (error) {
          io.err(`无法写入错误报告 ${errorFile}（${(error as NodeJS.ErrnoException).code}），错误见下方。`);
          errorFile = undefined;
        }
      }
      const ok = report.committed || (values['dry-run'] === true && report.rejected === 0);
      if (json) {
        io.out(
          JSON.stringify({
            inserted: report.inserted,
            updated: report.updated,
            unchanged: report.unchanged,
            rejected: report.rejected,
            deactivated: report.deactivated,
            committed: report.committed,
            dryRun: values['dry-run'] === true,
            errors: report.errors,
            moreErrors: report.moreErrors,
            warnings: report.warnings.length,
          }),
        );
        return ok ? 0 : 1;
      }
      for (const e of report.errors.slice(0, 20)) io.err(`第 ${e.row} 行「${e.column}」：${e.problem}`);
      if (report.errors.length > 20)
        io.err(`……共 ${report.rejected} 行有错误${errorFile ? `，全部列在 ${errorFile}` : ''}`);
      if (report.warnings.length > 0)
        io.err(
          `提示：${report.warnings.length} 条警告（例如第 ${report.warnings[0]!.row} 行：${report.warnings[0]!.problem}）`,
        );
      if (report.unknownColumns.length > 0) io.err(`未使用的列：${report.unknownColumns.join('、')}`);
      if (errorFile) io.err(`错误报告：${errorFile}`);
      const counts = `新增 ${report.inserted}，更新 ${report.updated}，未变 ${report.unchanged}，拒绝 ${report.rejected}${
        values.sync === true ? `，停用 ${report.deactivated}` : ''
      }`;
      if (values['dry-run'] === true) io.out(`试导入（未写入）：${counts}`);
      else if (report.committed) io.out(`导入完成：${counts}`);
      else
        io.out(
          `未导入：共 ${report.rows} 行，其中 ${report.rejected} 行有错误（默认全部或全不导入；加 --partial 只导入正确的行）`,
        );
      return ok ? 0 : 1;
    }

    case 'draw export': {
      const taskId = Number(rest[0]?.replace(/^#/, ''));
      if (!Number.isInteger(taskId)) throw new UsageError('draw export 需要任务编号，如 3');
      const dir = typeof values.out === 'string' ? values.out : '.';
      const drawn = (await store.draws.forTask(taskId)).filter((d) => d.receipt);
      if (drawn.length === 0) throw new DomainError('DRAW_NOT_DRAWN', `任务 #${taskId} 还没有抽取结果。`);
      mkdirSync(dir, { recursive: true });
      for (const d of drawn) {
        for (const file of await drawFiles(store, d, {
          receiptBytes: Number.POSITIVE_INFINITY,
          poolFileLimit: Number.POSITIVE_INFINITY,
        })) {
          const path = join(dir, file.name);
          writeFileSync(path, Buffer.from(file.base64, 'base64'));
          io.out(`已导出：${path}`);
        }
        if (d.kind === 'inspectors') {
          const path = join(dir, `检查组现状-任务${d.taskId}-抽取${d.id}.json`);
          writeFileSync(path, `${JSON.stringify(await teamsInUse(store, d), null, 1)}\n`);
          io.out(`已导出：${path}`);
        }
      }
      return 0;
    }

    case 'job run': {
      // Now, as the server's sweep would: whatever fell due while no server ran is caught up, and today's
      // reminders sent (a day gone by would only get reminders worded for that day).
      const at = new Date();
      const services: Services = {
        store,
        clock: { now: () => at },
        logger: createLogger('warn'),
        platform: config.PLATFORM === 'local' ? 'local' : 'lark',
        timeZone: config.TZ,
      };
      const escalated = await escalateOverdue(services, localDate(at, config.TZ));
      const reviews = await remindReviews(services);
      const chased = await chaseInspectorDraws(services);
      io.out(
        `期限检查（${localDate(at, config.TZ)} ${localHour(at, config.TZ)} 时）：提醒会审 ${reviews} 项，逾期会审报办公室 ${escalated} 项，催办选派检查人员 ${chased} 项。消息已进入发送队列，服务运行时发出。`,
      );
      return 0;
    }

    case 'plan export': {
      const year = Number(rest[0]);
      if (!Number.isInteger(year)) throw new UsageError('plan export 需要年份，如 2027');
      const compiled = await compileJointPlan(store, year);
      const file = typeof values.out === 'string' ? values.out : `${jointPlanTitle(year)}.xlsx`;
      writeFileSync(
        file,
        await xlsxTableWriter.write(`${year}年`, compiled.rows, { title: jointPlanTitle(year) }),
      );
      io.out(`已导出 ${compiled.plans.length} 项联合抽查计划：${file}`);
      if (compiled.under.length > 0) {
        io.out(
          `联合抽查占比不足 10% 的部门：${compiled.under.map((u) => `${u.department}（${u.total > 0 ? `${u.joint}/${u.total}` : '未报送计划'}）`).join('、')}`,
        );
      }
      return 0;
    }

    case 'calendar import': {
      const file = rest[0];
      if (!file) throw new UsageError('calendar import 需要文件路径');
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        io.err(`无法读取文件 ${file}（${(error as NodeJS.ErrnoException).code}）。`);
        return 1;
      }
      const result = await importCalendar(store, text, cliActor());
      io.out(
        `已导入 ${result.year} 年安排：放假 ${result.offDays} 天，调休上班 ${result.workDays} 天${result.replaced ? '（替换了此前导入的安排）' : ''}。`,
      );
      return 0;
    }

    case 'setting list': {
      const rows = [];
      for (const name of Object.keys(WORKSPACE_SETTINGS) as SettingName[]) {
        rows.push({
          name,
          label: WORKSPACE_SETTINGS[name].label,
          value: (await settingValue(store, name)) ?? null,
        });
      }
      if (json) io.out(JSON.stringify(rows));
      else for (const r of rows) io.out(`${r.name} = ${r.value ?? '未设定'}    ${r.label}`);
      return 0;
    }

    case 'setting set': {
      const [name, value] = rest;
      if (!name || value === undefined)
        throw new UsageError('setting set 需要名称和值，如 setting set tasks.acceptanceDays 5');
      if (!isSettingName(name)) {
        throw new UsageError(`没有设置“${name}”。可用：${Object.keys(WORKSPACE_SETTINGS).join('、')}`);
      }
      const set = await store.transaction((tx) => setSetting(tx, name, value, cliActor()));
      io.out(`${name} = ${set}`);
      return 0;
    }

    case 'calendar list': {
      const coverage = (await workingCalendar(store)).coverage();
      if (json) io.out(JSON.stringify(coverage));
      else {
        const official = coverage.filter((c) => c.source === 'official').map((c) => c.year);
        const imported = coverage.filter((c) => c.source === 'override').map((c) => c.year);
        io.out(`随附的官方安排：${official.length > 0 ? `${official[0]}–${official.at(-1)} 年` : '无'}`);
        io.out(`导入的安排：${imported.length > 0 ? imported.join('、') : '无'}`);
        io.out(`其他年份不计算工作日期限（会提示，而不是按周一至周五估算）。`);
      }
      return 0;
    }

    case 'outbox list': {
      const rows = await store.outboxSender.listUndelivered(200);
      if (json) io.out(JSON.stringify(rows, null, 2));
      else if (rows.length === 0) io.out('没有未送达的消息。');
      else {
        for (const r of rows) {
          io.out(
            `#${r.id}\t${r.status === 'failed' ? '发送失败' : '送达情况不明'}\t${r.createdAt.toISOString()}\t${r.lastError ?? ''}`,
          );
        }
      }
      return 0;
    }

    case 'seed demo': {
      if (config.PLATFORM !== 'local') {
        io.err('演示数据只用于本地工作区：飞书部署不载入演示数据。');
        return 2;
      }
      const loaded = await seedDemo(store, 'local', cliActor());
      io.out(loaded ? '演示数据已载入。' : '数据库中已有部门，未载入演示数据。');
      return 0;
    }
  }
  throw new UsageError(`未知命令：${command}`);
}

export async function main() {
  const config = loadConfig();
  const code = await runCli(process.argv.slice(2), config, {
    out: (t) => process.stdout.write(`${t}\n`),
    err: (t) => process.stderr.write(`${t}\n`),
  });
  process.exitCode = code;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    process.stderr.write(`命令失败：${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  });
}
