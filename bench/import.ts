// Import benchmarks: a generated target CSV (1,000,000 rows by default; BENCH_ROWS to change) end to end —
// read, validate, upsert — into PostgreSQL, against a raw COPY of the same file into a scratch table in the same
// run; the same import into PGlite; a 100,000-row .xlsx; peak memory of each; and name-search latency on the
// imported library. Targets: PostgreSQL < 20 s for 1,000,000 rows, xlsx < 15 s, memory < 500 MB, search p95 < 200 ms.

import { execFile } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { orgCodeCheckChar, usccCheckChar } from '../src/domain/identifiers.ts';

const run = promisify(execFile);
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const XLSX_ROWS = 100_000;
const header = ['企业名称', '统一社会信用代码', '类型', '行业', '片区', '住所', '信用风险等级', '登记状态'];
const syllables = '华泰鑫盛恒通达宏远兴隆金源丰利嘉和永安瑞祥天成宝康新锦博创明德合众汇';
const industries = ['餐饮业', '零售业', '食品制造业', '批发业', '商务服务业', '建筑业'];
const areas = ['北园片区', '泺口片区', '药山片区', '桑梓店片区', '大桥片区'];

function code(n: number): string {
  const org = String(n).padStart(8, '0');
  const body = `91370105${org}${orgCodeCheckChar(org)}`;
  return body + usccCheckChar(body);
}

export function name(n: number): string {
  let s = '济南';
  let x = n * 2654435761;
  for (let i = 0; i < 4; i++) {
    s += syllables[x % syllables.length];
    x = Math.floor(x / syllables.length) + 7 * i;
  }
  return `${s}${['商贸', '食品', '科技', '建材'][n % 4]}有限公司${n}`;
}

function row(n: number): string[] {
  return [
    name(n),
    code(n),
    '企业',
    industries[n % industries.length]!,
    areas[n % areas.length]!,
    `天桥区某路${n}号`,
    'ABCD'[n % 4]!,
    '存续',
  ];
}

function writeCsv(path: string, rows: number) {
  const lines = [header.join(',')];
  for (let n = 1; n <= rows; n++) lines.push(row(n).join(','));
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/** The import measured in a process of its own, so its peak memory is its own (see import-child.ts). */
export interface ChildResult {
  seconds: number;
  peakMb: number;
  inserted: number;
  rejected: number;
  reimport?: { seconds: number; unchanged: number };
  search?: { p50Ms: number; p95Ms: number };
}

async function inChild(
  file: string,
  url: string | undefined,
  rows: number,
  full: boolean,
): Promise<ChildResult> {
  const child = join(dirname(fileURLToPath(import.meta.url)), 'import-child.ts');
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', child, JSON.stringify({ file, url, rows, full })],
    {
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildResult;
}

export async function importBench(on: 'postgres' | 'pglite', url?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'jointcheck-bench-'));
  try {
    const csvFile = join(dir, 'targets.csv');
    writeCsv(csvFile, ROWS);
    const result = await inChild(csvFile, url, ROWS, true);
    let copy: { seconds: number; rowsPerSecond: number } | undefined;
    if (on === 'postgres' && url) {
      // The floor: the same bytes straight into a table with COPY, no validation, no upsert.
      const sql = postgres(url, { max: 1, onnotice: () => undefined });
      await sql`create table copy_baseline (name text, code text, type text, industry text, area text, address text, risk text, status text)`;
      const start = performance.now();
      const writable = await sql`copy copy_baseline from stdin with (format csv, header true)`.writable();
      await pipeline(createReadStream(csvFile), writable);
      const seconds = (performance.now() - start) / 1000;
      copy = { seconds, rowsPerSecond: ROWS / seconds };
      await sql`drop table copy_baseline`;
      await sql.end();
    }
    return {
      rows: ROWS,
      import: {
        seconds: result.seconds,
        rowsPerSecond: ROWS / result.seconds,
        peakMb: result.peakMb,
        inserted: result.inserted,
        rejected: result.rejected,
      },
      reimport: result.reimport!,
      copy,
      ratioToCopy: copy ? result.seconds / copy.seconds : undefined,
      search: result.search!,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function xlsxBench(url: string) {
  const XLSX = await import('@e965/xlsx');
  const dir = mkdtempSync(join(tmpdir(), 'jointcheck-bench-'));
  try {
    const file = join(dir, 'targets.xlsx');
    const rows = [header];
    for (let n = 1; n <= XLSX_ROWS; n++) rows.push(row(5_000_000 + n));
    const book = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows), 'Sheet1');
    writeFileSync(file, XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }));
    const result = await inChild(file, url, XLSX_ROWS, false);
    return { rows: XLSX_ROWS, seconds: result.seconds, peakMb: result.peakMb, inserted: result.inserted };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
