// One import benchmark case in a process of its own (started by import.ts), so the peak memory it reports —
// the process's maximum resident set, read right after the import — belongs to that import alone. With PGlite
// the database lives in this process too, and its memory is counted. Prints one JSON line.
import { PGlite } from '@electric-sql/pglite';
import { importTargets } from '../src/app/import-targets.ts';
import { readTable } from '../src/files/read-table.ts';
import { openDb } from '../src/store/db.ts';
import { createStore } from '../src/store/store.ts';
import { name } from './import.ts';

const { file, url, rows, full } = JSON.parse(process.argv[2]!) as {
  file: string;
  url?: string;
  rows: number;
  full: boolean;
};
const opened = url ? await openDb({ databaseUrl: url }) : await openDb({ pglite: await PGlite.create() });
const store = createStore(opened.db);
const by = { kind: 'cli' as const, id: 'bench' };

async function importOnce() {
  const start = performance.now();
  const report = await importTargets(store, await readTable(file), { by, fileName: 'bench' });
  return { seconds: (performance.now() - start) / 1000, report };
}

const first = await importOnce();
const peakMb = Math.round((process.resourceUsage().maxRSS * 1024) / 1e6);
const result: Record<string, unknown> = {
  seconds: first.seconds,
  peakMb,
  inserted: first.report.inserted,
  rejected: first.report.rejected,
};
if (full) {
  // Two characters from the middle of a generated name: the shortest query the search promises to serve.
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const n = 1 + ((i * 7919) % rows);
    const pieces = [...name(n).slice(2, 6)];
    const q = pieces[i % 3]! + pieces[(i % 3) + 1]!;
    const start = performance.now();
    await store.targets.search(q, 20);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  result.search = { p50Ms: times[100]!, p95Ms: times[190]! };
  const again = await importOnce();
  result.reimport = { seconds: again.seconds, unchanged: again.report.unchanged };
}
await opened.close();
process.stdout.write(`${JSON.stringify(result)}\n`);
