// Runs the real server (`src/main.ts`) as a child process, as `npm start` would, on a free port with its own
// data: a temporary DATA_DIR on PGlite, or a fresh database when TEST_DATABASE_URL is set.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshDb, type TestDb } from './test-db.ts';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

/** Where a server keeps its data; survives restarts of the server until `dispose`. */
export async function serverData(): Promise<{ env: Record<string, string>; dispose(): Promise<void> }> {
  if (process.env.TEST_DATABASE_URL) {
    const db: TestDb = await freshDb();
    return { env: { DATABASE_URL: db.url! }, dispose: () => db.close() };
  }
  const dir = mkdtempSync(join(tmpdir(), 'jointcheck-data-'));
  return { env: { DATA_DIR: dir }, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
}

function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', ...extra };
  for (const key of Object.keys(env)) {
    if ((key.startsWith('LARK_') || key === 'PLATFORM') && !(key in extra)) delete env[key];
  }
  delete env.TEST_DATABASE_URL;
  if (!extra.DATABASE_URL) delete env.DATABASE_URL;
  return env;
}

export interface ServerProcess {
  url: string;
  port: number;
  output: () => string;
  stop(): Promise<void>;
}

export async function startServerProcess(
  env: Record<string, string>,
  port?: number,
  entry = 'src/main.ts',
): Promise<ServerProcess & { kill(): Promise<void> }> {
  const p = port ?? (await freePort());
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: root,
    env: childEnv({ ...env, PORT: String(p) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${p}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port: p,
    output: () => output,
    /** kill -9: no shutdown code runs. */
    kill: () =>
      new Promise((res) => {
        if (child.exitCode !== null || child.signalCode !== null) return res();
        child.once('exit', () => res());
        child.kill('SIGKILL');
      }),
    stop: () =>
      new Promise((res) => {
        if (child.exitCode !== null) return res();
        child.once('exit', () => res());
        child.kill('SIGTERM');
      }),
  };
}

/** Runs the CLI as a user would (`npm run cli -- …`), synchronously. */
export function runCliProcess(args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, ['bin/jointcheck.js', ...args], {
    cwd: root,
    env: childEnv(env),
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
