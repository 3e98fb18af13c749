// A stand-in for the Lark open platform on 127.0.0.1, for tests and benchmarks: tenant tokens, bot info, and
// the message APIs (create, reply, patch) with Lark's `uuid` dedupe, its rate limits (when asked), and
// scripted failures (rate limit, rejected card, server error, revoked token).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import protobuf from 'protobufjs';
import { type WebSocket, WebSocketServer } from 'ws';

/** The long connection's frame (pbbp2.Frame), as the SDK encodes it. */
const Frame = protobuf.Root.fromJSON({
  nested: {
    Header: { fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
    Frame: {
      fields: {
        SeqID: { type: 'uint64', id: 1 },
        LogID: { type: 'uint64', id: 2 },
        service: { type: 'int32', id: 3 },
        method: { type: 'int32', id: 4 },
        headers: { rule: 'repeated', type: 'Header', id: 5 },
        payloadEncoding: { type: 'string', id: 6 },
        payloadType: { type: 'string', id: 7 },
        payload: { type: 'bytes', id: 8 },
        LogIDNew: { type: 'string', id: 9 },
      },
    },
  },
}).lookupType('Frame');

interface DecodedFrame {
  method: number;
  headers: { key: string; value: string }[];
  payload: Uint8Array;
}

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
  let gatewayCalls = 0;
  /** Files users sent, by file key (served as message resources). */
  const files = new Map<string, Buffer>();
  /** Files the bot uploaded, by the key the fake gave them. */
  const uploads = new Map<string, { name: string; type: string; bytes: Buffer }>();
  const tokenUses = new Map<string, number>();
  const tokenUpdates: { token: string; card: unknown }[] = [];
  let socket: WebSocket | undefined;
  const waiting = new Map<string, (payload: { code: number; data?: string }) => void>();

  const newToken = () => {
    validToken = `t-fake${randomBytes(12).toString('hex')}`;
    return validToken;
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  async function readBody(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /** The named parts of a multipart/form-data body (what the SDK sends to upload a file). */
  function formParts(raw: Buffer, contentType: string): Map<string, Buffer> {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
    const parts = new Map<string, Buffer>();
    if (!boundary) return parts;
    const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
    let at = raw.indexOf(delimiter);
    while (at >= 0) {
      const next = raw.indexOf(delimiter, at + delimiter.length);
      if (next < 0) break;
      const part = raw.subarray(at + delimiter.length + 2, next - 2);
      const split = part.indexOf('\r\n\r\n');
      const name = /name="([^"]+)"/.exec(part.subarray(0, split).toString('utf8'))?.[1];
      if (name) parts.set(name, part.subarray(split + 4));
      at = next;
    }
    return parts;
  }

  function overLimit(target: string, now: number): boolean {
    while (sendTimes.length > 0 && sendTimes[0]!.at <= now - 1000) sendTimes.shift();
    const sameTarget = sendTimes.filter((s) => s.target === target).length;
    return sameTarget >= 5 || sendTimes.length >= 50;
  }

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await readBody(req);
    const contentType = req.headers['content-type'] ?? '';
    const body: Record<string, unknown> =
      raw.length > 0 && !contentType.startsWith('multipart/') ? JSON.parse(raw.toString('utf8')) : {};
    if (url.pathname === '/callback/ws/endpoint') {
      gatewayCalls++;
      if (body.AppSecret !== undefined && typeof body.AppID === 'string') {
        return send(res, 200, {
          code: 0,
          msg: 'ok',
          data: {
            URL: `ws://127.0.0.1:${port}/ws?device_id=d1&service_id=7`,
            ClientConfig: { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 1, ReconnectNonce: 1 },
          },
        });
      }
      return send(res, 200, { code: 403, msg: 'forbidden' });
    }
    if (url.pathname === '/open-apis/auth/v3/tenant_access_token/internal') {
      tokenFetches++;
      revoked = false;
      return send(res, 200, { code: 0, msg: 'ok', tenant_access_token: newToken(), expire: 7200 });
    }
    if (req.headers.authorization !== `Bearer ${validToken}` || revoked) {
      return send(res, 401, { code: 99991663, msg: 'Invalid access token for authorization' });
    }
    if (url.pathname === '/open-apis/interactive/v1/card/update') {
      const token = String(body.token);
      const used = tokenUses.get(token) ?? 0;
      // A delayed-update token works twice within 30 minutes.
      if (!token.startsWith('c-') || used >= 2)
        return send(res, 400, { code: 200750, msg: 'token invalid or used up' });
      tokenUses.set(token, used + 1);
      tokenUpdates.push({ token, card: body.card });
      return send(res, 200, { code: 0, msg: 'success' });
    }
    if (url.pathname === '/open-apis/bot/v3/info') {
      return send(res, 200, {
        code: 0,
        msg: 'ok',
        bot: { open_id: options.botOpenId ?? 'ou_bot', app_name: '联络员机器人' },
      });
    }
    if (url.pathname === '/open-apis/im/v1/files' && req.method === 'POST') {
      const parts = formParts(raw, contentType);
      const bytes = parts.get('file');
      if (!bytes || bytes.length === 0) return send(res, 400, { code: 234006, msg: 'file is empty' });
      const fileKey = `file_v3_fake${nextId++}`;
      uploads.set(fileKey, {
        name: parts.get('file_name')?.toString('utf8') ?? '',
        type: parts.get('file_type')?.toString('utf8') ?? '',
        bytes,
      });
      return send(res, 200, { code: 0, msg: 'success', data: { file_key: fileKey } });
    }
    const resource = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/resources\/([^/]+)$/.exec(url.pathname);
    if (resource && req.method === 'GET') {
      const bytes = files.get(resource[2]!);
      if (!bytes) return send(res, 400, { code: 234003, msg: 'file not found' });
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return res.end(bytes);
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

  const gateway = new WebSocketServer({ server, path: '/ws' });
  gateway.on('connection', (ws) => {
    socket = ws;
    ws.on('message', (raw: Buffer) => {
      const frame = Frame.toObject(Frame.decode(raw), { longs: Number }) as DecodedFrame;
      const id = frame.headers.find((h) => h.key === 'message_id')?.value;
      if (frame.method === 1 && id)
        waiting.get(id)?.(JSON.parse(Buffer.from(frame.payload).toString('utf8')));
    });
  });

  let port = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  port = (server.address() as { port: number }).port;

  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    patches,
    tokenUpdates,
    files,
    uploads,
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
    get gatewayCalls() {
      return gatewayCalls;
    },
    get connected() {
      return socket?.readyState === 1;
    },
    /** Pushes an event over the long connection; resolves with what the bot answered in its ACK frame. */
    pushOverLongConnection(envelope: unknown): Promise<unknown> {
      if (!socket) throw new Error('no long connection');
      const id = `msg_${nextId++}`;
      const answered = new Promise<{ code: number; data?: string }>((resolve) => waiting.set(id, resolve));
      const headers = [
        { key: 'type', value: 'event' },
        { key: 'message_id', value: id },
        { key: 'sum', value: '1' },
        { key: 'seq', value: '0' },
        { key: 'trace_id', value: `trace_${id}` },
      ];
      const frame = Frame.create({
        SeqID: 1,
        LogID: 1,
        service: 7,
        method: 1,
        headers,
        payload: Buffer.from(JSON.stringify(envelope)),
      });
      socket.send(Frame.encode(frame).finish());
      return answered.then((ack) => ({
        code: ack.code,
        body: ack.data ? JSON.parse(Buffer.from(ack.data, 'base64').toString('utf8')) : undefined,
      }));
    },
    /** The current tenant token stops working (Lark answers 99991663 until a new one is fetched). */
    revokeToken() {
      revoked = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of gateway.clients) client.terminate();
        gateway.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type FakeLark = Awaited<ReturnType<typeof startFakeLark>>;
