// Runs the CLI in-process against a test's database (left open for the test), collecting what it prints.
import { runCli } from '../../src/cli.ts';
import { type Config, parseConfig } from '../../src/config.ts';
import type { TestDb } from './test-db.ts';

export function cliOn(db: () => TestDb, config: Config = parseConfig({})) {
  return async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(
      argv,
      config,
      { out: (s) => out.push(s), err: (s) => err.push(s) },
      async () => ({
        ...db(),
        close: async () => {},
      }),
    );
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
}
