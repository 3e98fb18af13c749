// The dependency rule (docs: architecture): src/domain knows nothing but itself; src/app knows the domain
// and the ports; commands/ know src/app, the bot core and the card model; adapters implement ports and know
// their libraries; only src/main.ts and src/cli.ts know everything.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

/** Every import of a file: repo-relative paths for local files, package names otherwise. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  return specifiers.map((s) => (s.startsWith('.') ? relative(root, resolve(root, dirname(file), s)) : s));
}

/** The layer a local path belongs to. */
function layer(path: string): string {
  if (path.startsWith('src/domain/')) return 'domain';
  if (path.startsWith('src/app/')) return 'app';
  if (path.startsWith('src/cards/')) return 'cards';
  if (path.startsWith('src/bot/')) return 'bot';
  if (path.startsWith('commands/')) return 'commands';
  if (path.startsWith('src/store/') || path.startsWith('drizzle/')) return 'store';
  if (path.startsWith('src/platform/')) return `platform/${path.split('/')[2]}`;
  if (path.startsWith('src/http/')) return 'http';
  if (path.startsWith('src/jobs/')) return 'jobs';
  if (path.startsWith('src/files/')) return 'files';
  if (path.startsWith('src/beacon/')) return 'beacon';
  if (path === 'src/main.ts' || path === 'src/cli.ts') return 'root';
  if (path === 'src/config.ts') return 'config';
  if (path === 'src/logger.ts') return 'adapter';
  return 'other';
}

const inner = ['domain', 'app', 'cards', 'bot'];
const allowed: Record<string, (target: string) => boolean> = {
  domain: (t) => t === 'domain',
  cards: (t) => t === 'cards' || t === 'domain',
  app: (t) => ['domain', 'app', 'cards'].includes(t),
  bot: (t) => inner.includes(t),
  commands: (t) => [...inner, 'commands'].includes(t),
  store: (t) => [...inner, 'store'].includes(t),
  http: (t) => [...inner, 'http'].includes(t),
  jobs: (t) => [...inner, 'jobs'].includes(t),
  files: (t) => [...inner, 'files'].includes(t),
  beacon: (t) => [...inner, 'beacon'].includes(t),
  adapter: (t) => inner.includes(t),
  config: () => false,
};
/** Libraries that do I/O or belong to one adapter. */
const adapterPackages =
  /^(drizzle-orm|postgres|@electric-sql\/pglite|hono|@hono\/|@larksuiteoapi\/|node-cron|playwright|papaparse|@e965\/xlsx|drand-client)/;

function violations(): string[] {
  const found: string[] = [];
  for (const file of [...sourceFiles('src'), ...sourceFiles('commands')]) {
    const from = layer(file);
    for (const target of importsOf(file)) {
      const isLocal =
        target.startsWith('src/') || target.startsWith('commands/') || target.startsWith('drizzle/');
      if (!isLocal) {
        if (from === 'domain' && target !== 'node:crypto')
          found.push(`${file} → ${target} (the domain does no I/O)`);
        if (['app', 'cards', 'bot', 'commands'].includes(from) && adapterPackages.test(target)) {
          found.push(`${file} → ${target} (only adapters use this library)`);
        }
        if (target.startsWith('drizzle-orm') && from !== 'store')
          found.push(`${file} → ${target} (only src/store uses drizzle)`);
        continue;
      }
      const to = layer(target);
      if (from === 'root') continue;
      const rule = from.startsWith('platform/') ? (t: string) => [...inner, from].includes(t) : allowed[from];
      if (!rule?.(to)) found.push(`${file} → ${target} (${from} may not depend on ${to})`);
    }
  }
  return found;
}

describe('the dependency rule', () => {
  it('holds for every source file', () => {
    expect(violations()).toEqual([]);
  });

  it('would catch a break (the checker itself works)', () => {
    expect(layer('src/store/db.ts')).toBe('store');
    expect(allowed.domain!('store')).toBe(false);
    expect(allowed.commands!('store')).toBe(false);
    expect(allowed.app!('bot')).toBe(false);
    expect(importsOf('src/store/store.ts')).toContain('drizzle-orm');
  });

  it('reads process.env only in src/config.ts', () => {
    const readers = [...sourceFiles('src'), ...sourceFiles('commands')].filter(
      (f) => f !== 'src/config.ts' && /process\.env/.test(readFileSync(join(root, f), 'utf8')),
    );
    expect(readers).toEqual([]);
  });
});
