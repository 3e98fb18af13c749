// LARK_MODE=ws: the SDK's long connection feeds the same receiver as the webhook. The SDK hands each event to
// `eventDispatcher.invoke(envelope)` and sends back what it returns (that is how card callbacks answer), so a
// small object with `invoke` is all it needs. Half-open sockets are caught by a ping timeout, and a client
// that gave up (`failed`) is started again by a watchdog.
import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from '../../app/ports.ts';
import { sdkLogger } from './sdk-logger.ts';

export interface LongConnectionOptions {
  appId: string;
  appSecret: string;
  domain: string;
  logger: Logger;
  onEvent(envelope: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Seconds without a pong before the socket counts as dead. */
  pingTimeoutSeconds?: number;
  watchdogMs?: number;
}

export function startLongConnection(options: LongConnectionOptions) {
  const { logger } = options;
  const receiver = {
    invoke: (data: Record<string, unknown>) => options.onEvent(data),
  } as unknown as lark.EventDispatcher;
  let client: lark.WSClient;
  let restarts = 0;

  const connect = () => {
    client = new lark.WSClient({
      appId: options.appId,
      appSecret: options.appSecret,
      domain: options.domain,
      logger: sdkLogger(logger),
      loggerLevel: lark.LoggerLevel.error,
      autoReconnect: true,
      handshakeTimeoutMs: 15_000,
      wsConfig: { pingTimeout: options.pingTimeoutSeconds ?? 90 },
      onReady: () => logger.info('lark long connection ready'),
      onError: (error) => logger.error('lark long connection failed', { error: error.message }),
      onReconnecting: () => logger.warn('lark long connection reconnecting'),
      onReconnected: () => logger.info('lark long connection reconnected'),
    });
    client
      .start({ eventDispatcher: receiver })
      .catch((error) => logger.error('lark long connection did not start', { error: String(error) }));
  };
  connect();

  const watchdog = setInterval(() => {
    if (client.getConnectionStatus().state !== 'failed') return;
    restarts++;
    logger.warn('lark long connection gave up; starting it again', { restarts });
    client.close({ force: true });
    connect();
  }, options.watchdogMs ?? 30_000);

  return {
    state: () => client.getConnectionStatus().state,
    stop() {
      clearInterval(watchdog);
      client.close({ force: true });
    },
  };
}
