// `npm run bench`: every benchmark, on PGlite and on PostgreSQL. Writes bench/results/<name>.json and one
// Markdown summary, bench/results/summary.md. `npm run bench -- webhook` runs only the named ones
// (dispatch, webhook, outbound, import, draw, inspectors).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withBenchDatabase, withPglite } from './databases.ts';
import { runDispatchBench } from './dispatch.ts';
import { drawBench } from './draw.ts';
import { importBench, xlsxBench } from './import.ts';
import { inspectorBench } from './inspectors.ts';
import { outboundBench, webhookBench } from './lark.ts';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'results');
mkdirSync(dir, { recursive: true });
const only = process.argv.slice(2);
const wanted = (name: string) => only.length === 0 || only.includes(name);
const sections: string[] = [];
const at = new Date().toISOString();

const ms = (n: number) => `${n.toFixed(1)} ms`;

if (wanted('dispatch')) {
  const { json, markdown } = await runDispatchBench();
  writeFileSync(join(dir, 'dispatch.json'), `${JSON.stringify({ at, ...json }, null, 2)}\n`);
  sections.push(markdown);
}

if (wanted('webhook')) {
  const pglite = await withPglite(webhookBench);
  const pg = await withBenchDatabase(webhookBench);
  writeFileSync(
    join(dir, 'webhook.json'),
    `${JSON.stringify({ at, benchmark: 'webhook', pglite, postgres: pg }, null, 2)}\n`,
  );
  const rows = (label: string, r: typeof pglite | string) =>
    typeof r === 'string'
      ? [`| ${label} | ${r} | | | | |`]
      : [
          `| ${label}：仅返回 200 的路由（基线） | ${r.baseline.throughputPerSecond.toFixed(0)} | ${ms(r.baseline.p50Ms)} | ${ms(r.baseline.p99Ms)} | ${r.baseline.errors} | |`,
          `| ${label}：/webhook/lark（验签、解密、去重、入库） | ${r.webhook.throughputPerSecond.toFixed(0)} | ${ms(r.webhook.p50Ms)} | ${ms(r.webhook.p99Ms)} | ${r.webhook.errors} | ${r.p99Ratio.toFixed(1)} |`,
        ];
  sections.push(
    [
      '## 飞书 Webhook 确认延迟',
      '',
      `以 ${200} 个事件/秒的固定速率发送 ${200 * 5} 个签名加密的消息事件（十分之一为重复推送），同一次运行中先发给只返回 200 的路由。目标：PostgreSQL 上 p99 < 50 ms。`,
      '',
      '| 目标 | 吞吐（事件/秒） | p50 | p99 | 非 200 | p99 相对基线 |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...rows('PGlite', pglite),
      ...rows('PostgreSQL', pg),
      '',
    ].join('\n'),
  );
}

if (wanted('outbound')) {
  const pglite = await withPglite(outboundBench);
  const pg = await withBenchDatabase(outboundBench);
  writeFileSync(
    join(dir, 'outbound.json'),
    `${JSON.stringify({ at, benchmark: 'outbound', pglite, postgres: pg }, null, 2)}\n`,
  );
  const row = (label: string, r: typeof pglite | string) =>
    typeof r === 'string'
      ? `| ${label} | ${r} | | | |`
      : `| ${label} | ${r.delivered} / ${r.messages} | ${r.limitErrors} | ${r.seconds.toFixed(1)} s | ${(r.overFloor * 100).toFixed(1)}% |`;
  sections.push(
    [
      '## 飞书发送：1000 条消息发往 50 个会话（模拟服务器按飞书限额拒绝超限请求）',
      '',
      '下限按 1000 ÷ 50 条/秒 = 20 秒计（第一秒的 50 条可以立即发出，所以实际可达的下限约 19 秒）。目标：没有超限错误，总时间不超过 20 秒的 110%。',
      '',
      '| 数据库 | 送达 | 超限错误 | 总时间 | 超出下限 |',
      '| --- | ---: | ---: | ---: | ---: |',
      row('PGlite', pglite),
      row('PostgreSQL', pg),
      '',
    ].join('\n'),
  );
}

if (wanted('import')) {
  const pg = await withBenchDatabase((_db, url) => importBench('postgres', url));
  const pglite = await importBench('pglite');
  const xlsx = await withBenchDatabase((_db, url) => xlsxBench(url));
  writeFileSync(
    join(dir, 'import.json'),
    `${JSON.stringify({ at, benchmark: 'import', postgres: pg, pglite, xlsx }, null, 2)}\n`,
  );
  const row = (label: string, r: typeof pg) =>
    typeof r === 'string'
      ? `| ${label} | ${r} | | | | | |`
      : `| ${label} | ${r.rows} | ${r.import.seconds.toFixed(1)} s（${Math.round(r.import.rowsPerSecond)} 行/秒） | ${
          r.copy ? `${r.copy.seconds.toFixed(1)} s，慢 ${r.ratioToCopy!.toFixed(1)} 倍` : '—'
        } | ${r.import.peakMb} MB | ${r.reimport.seconds.toFixed(1)} s（未变 ${r.reimport.unchanged}） | ${ms(r.search.p50Ms)} / ${ms(r.search.p95Ms)} |`;
  sections.push(
    [
      '## 导入检查对象名录库（生成的 CSV，读取、校验、写入）',
      '',
      '目标：PostgreSQL 上 100 万行 < 20 秒，内存峰值 < 500 MB；名称搜索 p95 < 200 ms（PostgreSQL）。COPY 为同一文件不经校验直接写入临时表的下限。每次导入在单独的进程中运行，内存峰值是该进程的最大常驻内存（PGlite 的数据库在同一进程内，一并计入）。',
      '',
      '| 数据库 | 行数 | 导入 | COPY 下限 | 内存峰值 | 再次导入 | 搜索 p50 / p95 |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      row('PostgreSQL', pg),
      row('PGlite', pglite),
      '',
      typeof xlsx === 'string'
        ? `10 万行 .xlsx：${xlsx}`
        : `10 万行 .xlsx（PostgreSQL）：${xlsx.seconds.toFixed(1)} s，内存峰值 ${xlsx.peakMb} MB（目标 < 15 s）。`,
      '',
    ].join('\n'),
  );
}

if (wanted('draw')) {
  const pg = await withBenchDatabase((db, url) => drawBench(db, url));
  writeFileSync(
    join(dir, 'draw.json'),
    `${JSON.stringify({ at, benchmark: 'draw', postgres: pg }, null, 2)}\n`,
  );
  const s = (v: number) => `${(v / 1000).toFixed(2)} s`;
  sections.push(
    typeof pg === 'string'
      ? `## 抽取检查对象\n\n${pg}\n`
      : [
          '## 抽取检查对象（PostgreSQL）',
          '',
          `对象池 ${pg.pool} 个，抽取 ${pg.drawn} 个（5%），3 次取中位数。目标：端到端 < 5 s、< 1 GB，不超过同一张表上基线的 3 倍。`,
          '',
          '### 端到端，在检查对象名录库（targets 表）上',
          '',
          '基线与端到端在同一张表、同一范围（存续、有效）上，每次端到端之前先测一次基线。',
          '',
          '| 方法 | 用时 | 相对基线 |',
          '| --- | ---: | ---: |',
          `| 基线：在名录库上 ORDER BY random() LIMIT n（不可复核） | ${s(pg.endToEnd.baselineMs)} | 1.0 |`,
          `| **端到端**：发布公告（冻结对象池并哈希 ${s(pg.endToEnd.commitMs)}）＋抽取（读出对象池、在 Node 中按算法抽取、收据、保存抽中对象、分送名单 ${s(pg.endToEnd.drawMs)}） | ${s(pg.endToEnd.totalMs)} | **${(pg.endToEnd.totalMs / pg.endToEnd.baselineMs).toFixed(1)}** |`,
          `| 第 4 次，另一任务抽中的 ${pg.endToEnd.withOpenTask.openPicks} 个对象仍在进行中（逐个标注；单次，其前基线 ${s(pg.endToEnd.withOpenTask.baselineMs)}） | ${s(pg.endToEnd.withOpenTask.totalMs)} | ${(pg.endToEnd.withOpenTask.totalMs / pg.endToEnd.withOpenTask.baselineMs).toFixed(1)} |`,
          '',
          '前 3 次是同一种抽取：每次抽取后把该任务置为已取消，使下一次没有其他进行中的任务。',
          '',
          `各步骤中位数（毫秒）：${Object.entries(pg.endToEnd.steps)
            .map(([k, v]) => `${k} ${v}`)
            .join('，')}；第 4 次：${Object.entries(pg.endToEnd.withOpenTask.steps)
            .map(([k, v]) => `${k} ${v}`)
            .join(
              '，',
            )}。端到端的进程内存峰值 ${pg.endToEnd.peakRssMb} MB，收据 ${pg.endToEnd.receiptMb} MB（对象池另附文件）。`,
          '',
          '### 算法本身，在只有编号一列的窄表上',
          '',
          '| 方法 | 用时 | 相对窄表基线 |',
          '| --- | ---: | ---: |',
          `| 窄表基线：ORDER BY random() LIMIT n | ${s(pg.baselineMs)} | 1.0 |`,
          `| 端到端（上表）相对窄表基线 | ${s(pg.endToEnd.totalMs)} | ${(pg.endToEnd.totalMs / pg.baselineMs).toFixed(1)} |`,
          `| 本算法，在 Node 中（读出对象池 ${s(pg.nodeParts.readMs)}、规范化并哈希 ${s(pg.nodeParts.hashMs)}、评分抽取 ${s(pg.nodeParts.selectMs)}） | ${s(pg.nodeMs)} | ${(pg.nodeMs / pg.baselineMs).toFixed(1)} |`,
          `| 本算法，在数据库中评分排序 | ${s(pg.databaseMs)} | ${(pg.databaseMs / pg.baselineMs).toFixed(1)} |`,
          `| 对象池哈希，在数据库中 | ${s(pg.databaseHashMs)} | |`,
          '',
          `数据库与 Node 的抽取顺序${pg.sameOrder ? '一致' : '不一致'}，对象池哈希${pg.samePoolHash ? '一致' : '不一致'}；含 Node 路线时进程内存峰值 ${pg.peakRssMb} MB。`,
          '',
        ].join('\n'),
  );
}

if (wanted('inspectors')) {
  const r = inspectorBench();
  writeFileSync(
    join(dir, 'inspectors.json'),
    `${JSON.stringify({ at, benchmark: 'inspectors', ...r }, null, 2)}\n`,
  );
  sections.push(
    [
      '## 选派检查人员（算法，Node）',
      '',
      `${r.targets} 个检查对象分为 ${r.teams} 个检查组，${r.departments} 个部门各有 ${r.people} 名候选人员（含休假、缺资格、回避、同片区回避），每组每部门 2 人；5 次取中位数。目标：< 1 s。`,
      '',
      `三个部门合计 ${r.medianMs.toFixed(1)} ms，选派 ${r.members} 人次。`,
      '',
    ].join('\n'),
  );
}

const summary = `# 基准测试\n\n${at}，Node ${process.version}，${cpus().length} 核（${cpus()[0]?.model ?? ''}）。\n\n${sections.join('\n')}`;
writeFileSync(join(dir, only.length === 0 ? 'summary.md' : `summary-${only.join('-')}.md`), summary);
process.stdout.write(summary);
