// The SDK's logger, routed into ours with secrets removed: the SDK's default logger prints the
// `Authorization: Bearer` tenant token when an HTTP call fails.
import type * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from '../../app/ports.ts';

/** Redacts bearer tokens and secrets from anything the SDK logs. */
export function redact(value: unknown): unknown {
  if (typeof value === 'string') {
    return value
      .replace(/Bearer\s+[\w.-]+/gi, 'Bearer [redacted]')
      .replace(/\b([tu])-[\w.-]{10,}/g, '$1-[redacted]')
      .replace(
        /("?(?:app_secret|tenant_access_token|app_access_token)"?\s*[:=]\s*)"?[^",\s}]+"?/gi,
        '$1"[redacted]"',
      );
  }
  if (value instanceof Error) return redact(`${value.name}: ${value.message}`);
  if (value && typeof value === 'object') {
    try {
      return redact(JSON.stringify(value));
    } catch {
      return '[unserialisable]';
    }
  }
  return value;
}

export function sdkLogger(logger: Logger): lark.Logger {
  const line = (msg: unknown[]) => msg.map((m) => String(redact(m))).join(' ');
  return {
    error: (...msg) => logger.error('lark sdk', { detail: line(msg) }),
    warn: (...msg) => logger.warn('lark sdk', { detail: line(msg) }),
    info: (...msg) => logger.debug('lark sdk', { detail: line(msg) }),
    debug: (...msg) => logger.debug('lark sdk', { detail: line(msg) }),
    trace: () => {},
  };
}
