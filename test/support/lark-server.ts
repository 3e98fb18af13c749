// The real server in Lark mode with short crash-recovery timings, for the kill -9 test: the same wiring as
// `npm start`, only the lease on claimed outbox rows and the wait before re-processing an unfinished event
// are seconds instead of a minute, so the test need not wait a minute after the crash.
import { loadConfig } from '../../src/config.ts';
import { startServer } from '../../src/main.ts';

const { stop } = await startServer(loadConfig(), { claimLeaseMs: 1_500, staleAfterMs: 1_500 });
process.once('SIGTERM', () => void stop().then(() => process.exit(0)));
