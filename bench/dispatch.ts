// Commands per second through the dispatcher with the memory platform, on PGlite and on
// PostgreSQL. Each figure is the median of several rounds; the ratio compares it with a baseline measured in
// the same run on the same database: the bare minimum every message costs (dedupe insert, one outbox row,
// one send), so the figure says what the command layer adds, whatever the machine's noise.
// PostgreSQL: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the machine's default server; a temporary
// database is created and dropped.
import { commands } from '../commands/index.ts';
import { seedDemo } from '../src/app/demo.ts';
import { createOutboxSender } from '../src/app/outbox-sender.ts';
import type { Logger } from '../src/app/ports.ts';
import { createDispatcher } from '../src/bot/dispatch.ts';
import { createMemoryPlatform } from '../src/platform/memory/memory-platform.ts';
import type { OpenedDb } from '../src/store/db.ts';
import { createStore } from '../src/store/store.ts';
import { withBenchDatabase, withPglite } from './databases.ts';

const ROUNDS = 5;
const PER_ROUND = 200;
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Scenario {
  name: string;
  description: string;
  text: string;
  as: { userId: string; name: string };
}

const scenarios: Scenario[] = [
  {
    name: 'whoami',
    description: '/whoami（只读）',
    text: '/whoami',
    as: { userId: 'lin.hai', name: '林海' },
  },
  {
    name: 'member-list',
    description: '/member list（读全部成员）',
    text: '/member list',
    as: { userId: 'zhou.mingyuan', name: '周明远' },
  },
  {
    name: 'refused',
    description: '联络员越权 /member add（写审计链）',
    text: '/member add @_user_1 区商务局 联络员',
    as: { userId: 'wang.xiaoming', name: '王晓明' },
  },
  {
    name: 'typo',
    description: '拼错的命令（给出建议）',
    text: '/memeber list',
    as: { userId: 'lin.hai', name: '林海' },
  },
];

async function measure(opened: OpenedDb) {
  const store = createStore(opened.db);
  const platform = createMemoryPlatform();
  const clock = { now: () => new Date() };
  const services = { store, clock, logger: silent, platform: 'memory', timeZone: 'Asia/Shanghai' };
  await seedDemo(store, 'memory', { kind: 'system', id: 'bench' });
  const sender = createOutboxSender({ store, platform, clock, logger: silent });
  const dispatcher = createDispatcher({ services, commands });
  let n = 0;

  const round = async (one: () => Promise<unknown>) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < PER_ROUND; i++) await one();
    return PER_ROUND / (Number(process.hrtime.bigint() - start) / 1e9);
  };

  const baseline = async () => {
    const key = `base_${n++}`;
    await store.inbound.accept(`memory:msg:${key}`);
    await store.outbox.enqueue('memory', { op: 'send', message: { to: { chatId: 'c' }, text: 'x' } }, key);
    await sender.drain();
  };
  const scenario = (s: Scenario) => async () => {
    const key = `om_${n++}`;
    await dispatcher.handleMessage({
      kind: 'message',
      platform: 'memory',
      eventKey: key,
      messageId: key,
      chatId: `dm:${s.as.userId}`,
      chatType: 'p2p',
      sender: s.as,
      text: s.text,
      mentions: [{ key: '@_user_1', userId: 'feng.xiaoyu', name: '冯小雨' }],
    });
    await sender.drain();
  };

  await round(baseline); // warm-up
  const rows: {
    name: string;
    description: string;
    medianPerSecond: number;
    rounds: number[];
    ratioToBaseline: number;
  }[] = [];
  const baseRounds: number[] = [];
  const scenarioRounds = new Map(scenarios.map((s) => [s.name, [] as number[]]));
  for (const s of scenarios) await round(scenario(s));
  // Interleave baseline and scenarios so drift in machine load hits all of them alike.
  for (let r = 0; r < ROUNDS; r++) {
    baseRounds.push(await round(baseline));
    for (const s of scenarios) scenarioRounds.get(s.name)!.push(await round(scenario(s)));
  }
  const base = median(baseRounds);
  rows.push({
    name: 'baseline',
    description: '基线：去重 + 写发件箱 + 发送',
    medianPerSecond: base,
    rounds: baseRounds,
    ratioToBaseline: 1,
  });
  for (const s of scenarios) {
    const rs = scenarioRounds.get(s.name)!;
    rows.push({
      name: s.name,
      description: s.description,
      medianPerSecond: median(rs),
      rounds: rs,
      ratioToBaseline: median(rs) / base,
    });
  }
  return rows;
}

export async function runDispatchBench() {
  const pglite = await withPglite(measure);
  const pg = await withBenchDatabase(measure);
  const table = (rows: typeof pglite | string) =>
    typeof rows === 'string'
      ? rows
      : [
          '| 场景 | 中位数（命令/秒） | 相对基线 |',
          '| --- | ---: | ---: |',
          ...rows.map(
            (r) => `| ${r.description} | ${r.medianPerSecond.toFixed(0)} | ${r.ratioToBaseline.toFixed(2)} |`,
          ),
        ].join('\n');
  const method = `${ROUNDS} rounds × ${PER_ROUND} commands per scenario, sequential, median of rounds; baseline interleaved`;
  return {
    json: { benchmark: 'dispatch', method, pglite, postgres: pg },
    markdown: `## 经调度器处理命令（内存平台）\n\n${method}。\n\n### PGlite（内置）\n\n${table(pglite)}\n\n### PostgreSQL\n\n${table(pg)}\n`,
  };
}
