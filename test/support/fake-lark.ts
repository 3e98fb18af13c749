// A stand-in for the Lark open platform on 127.0.0.1, for tests and benchmarks: tenant tokens, bot info, and
// the message APIs (create, reply, patch) with Lark's `uuid` dedupe, its rate limits (when asked), and
// scripted failures (rate limit, rejected card, server error, revoked token).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface FakeMessage {
  messageId: string;
  /** `create` to a chat or user, or `reply` to a message. */
  via: 'create' | 'reply';
  receiveIdType?: string;
  receiveId?: string;
  replyTo?: string;
  replyInThread?: boolean;
  msgType: string;
  content: string;
  uuid?: string;
}

export type Failure = 'rate-limit' | 'rate-limit-230020' | 'card-reject' | 'server-error';

export interface FakeLarkOptions {
  /** Enforce Lark's limits (per chat/user 5/s, per app 50/s) and count violations instead of delivering. */
  enforceLimits?: boolean;
  botOpenId?: string;
}

export async function startFakeLark(options: FakeLarkOptions = {}) {
  const messages: FakeMessage[] = [];
  const patches: { messageId: string; content: string }[] = [];
  /** Every message API call, including refused ones, with the uuid it carried. */
  const attempts: { path: string; uuid?: string; status: number }[] = [];
  const byUuid = new Map<string, FakeMessage>();
  const failures: Failure[] = [];
  const sendTimes: { at: number; target: string }[] = [];
  let limitViolations = 0;
  let tokenFetches = 0;
  let validToken = '';
  let revoked = false;
  let nextId = 1;

  const newToken = () => {
    validToken = `t-fake${randomBytes(12).toString('hex')}`;
    return validToken;
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    return raw ? JSON.parse(raw) : {};
  }

  function overLimit(target: string, now: number): boolean {
    while (sendTimes.length > 0 && sendTimes[0]!.at <= now - 1000) sendTimes.shift();
    const sameTarget = sendTimes.filter((s) => s.target === target).length;
    return sameTarget >= 5 || sendTimes.length >= 50;
  }

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const body = await readJson(req);
    if (url.pathname === '/open-apis/auth/v3/tenant_access_token/internal') {
      tokenFetches++;
      revoked = false;
      return send(res, 200, { code: 0, msg: 'ok', tenant_access_token: newToken(), expire: 7200 });
    }
    if (req.headers.authorization !== `Bearer ${validToken}` || revoked) {
      return send(res, 401, { code: 99991663, msg: 'Invalid access token for authorization' });
    }
    if (url.pathname === '/open-apis/bot/v3/info') {
      return send(res, 200, {
        code: 0,
        msg: 'ok',
        bot: { open_id: options.botOpenId ?? 'ou_bot', app_name: '联络员机器人' },
      });
    }
    const reply = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/.exec(url.pathname);
    const patch = /^\/open-apis\/im\/v1\/messages\/([^/]+)$/.exec(url.pathname);
    const create = url.pathname === '/open-apis/im/v1/messages';
    if (!reply && !patch && !create) return send(res, 404, { code: 404, msg: 'not found' });

    const uuid = typeof body.uuid === 'string' ? body.uuid : undefined;
    const record = (status: number) =>
      attempts.push({ path: url.pathname, ...(uuid ? { uuid } : {}), status });
    const failure = failures.shift();
    if (failure === 'rate-limit') {
      record(429);
      return send(
        res,
        429,
        { code: 99991400, msg: 'request trigger frequency limit' },
        { 'x-ogw-ratelimit-reset': '1' },
      );
    }
    if (failure === 'rate-limit-230020') {
      record(400);
      return send(res, 400, { code: 230020, msg: 'This operation triggers the frequency limit.' });
    }
    if (failure === 'card-reject' && body.msg_type === 'interactive') {
      record(400);
      return send(res, 400, { code: 230099, msg: 'Failed to create card content' });
    }
    if (failure === 'server-error') {
      record(500);
      return send(res, 500, { code: 1, msg: 'internal error' });
    }

    if (patch && req.method === 'PATCH') {
      record(200);
      patches.push({ messageId: patch[1]!, content: String(body.content) });
      return send(res, 200, { code: 0, msg: 'success', data: {} });
    }
    // Lark answers a repeated uuid (within an hour) with the first message, sending nothing new.
    const known = uuid ? byUuid.get(uuid) : undefined;
    if (known) {
      record(200);
      return send(res, 200, { code: 0, msg: 'success', data: { message_id: known.messageId } });
    }
    const target = reply
      ? `reply:${reply[1]}`
      : `${url.searchParams.get('receive_id_type')}:${String(body.receive_id)}`;
    const now = Date.now();
    if (options.enforceLimits && overLimit(target, now)) {
      limitViolations++;
      record(400);
      return send(res, 400, { code: 230020, msg: 'This operation triggers the frequency limit.' });
    }
    sendTimes.push({ at: now, target });
    const message: FakeMessage = {
      messageId: `om_fake${nextId++}`,
      via: reply ? 'reply' : 'create',
      ...(create
        ? { receiveIdType: url.searchParams.get('receive_id_type') ?? '', receiveId: String(body.receive_id) }
        : {}),
      ...(reply ? { replyTo: reply[1]!, replyInThread: body.reply_in_thread === true } : {}),
      msgType: String(body.msg_type),
      content: String(body.content),
      ...(uuid ? { uuid } : {}),
    };
    record(200);
    messages.push(message);
    if (uuid) byUuid.set(uuid, message);
    return send(res, 200, {
      code: 0,
      msg: 'success',
      data: { message_id: message.messageId, chat_id: 'oc_x' },
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };

  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    patches,
    attempts,
    get tokenFetches() {
      return tokenFetches;
    },
    get limitViolations() {
      return limitViolations;
    },
    /** The next calls to the message APIs fail this way, in order. */
    fail(...next: Failure[]) {
      failures.push(...next);
    },
    /** The current tenant token stops working (Lark answers 99991663 until a new one is fetched). */
    revokeToken() {
      revoked = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type FakeLark = Awaited<ReturnType<typeof startFakeLark>>;
