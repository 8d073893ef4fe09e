import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

/** One Web API call as the fake received it. */
export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  token: string | undefined;
}

/** A scripted answer for the next call of a method: an HTTP status, Slack `error`, Retry-After. */
export interface ScriptedAnswer {
  status?: number;
  error?: string;
  retryAfterSeconds?: number;
}

export interface FakeSlackOptions {
  /** The only bot token the fake accepts; others get invalid_auth. */
  botToken: string;
  botUserId?: string;
  botId?: string;
  /** Answers apps.connections.open with a local WebSocket speaking Slack's Socket Mode protocol. */
  socketMode?: boolean;
}

/** A workspace that can install the app through OAuth: the code Slack would hand back, and what it grants. */
export interface OAuthGrant {
  code: string;
  clientId: string;
  clientSecret: string;
  teamId: string;
  teamName: string;
  botToken: string;
  botUserId: string;
  botId: string;
  /** An org-wide (Enterprise Grid) install: Slack answers with the org and no team. */
  enterpriseId?: string;
}

/**
 * Slack on loopback: a Web API that records chat.postMessage, chat.update, auth.test and friends and can
 * answer errors and 429s, plus (optionally) a Socket Mode WebSocket server. No traffic leaves the machine.
 */
export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly acks: Array<{ envelope_id: string; payload?: unknown }> = [];
  readonly #scripts = new Map<string, ScriptedAnswer[]>();
  /** Bot tokens of workspaces installed through OAuth, besides options.botToken. */
  readonly #granted = new Map<string, OAuthGrant>();
  readonly #grants = new Map<string, OAuthGrant>();
  /** Workspace members users.info knows, by id: their display name. */
  readonly #users = new Map<string, string>();
  readonly #server: Server;
  #sockets: WebSocketServer | null = null;
  #messageCount = 0;
  #envelopeCount = 0;
  readonly #ackWaiters = new Map<string, () => void>();
  #url = "";
  #socketUrl = "";
  #connected: Promise<WebSocket> | null = null;

  private constructor(private readonly options: FakeSlackOptions) {
    this.#server = createServer((request, response) => {
      this.#handle(request, response).catch(() => {
        response.writeHead(500).end();
      });
    });
  }

  static async start(options: FakeSlackOptions): Promise<FakeSlack> {
    const fake = new FakeSlack(options);
    await new Promise<void>((resolve) => fake.#server.listen(0, "127.0.0.1", resolve));
    fake.#url = `http://127.0.0.1:${(fake.#server.address() as AddressInfo).port}/api/`;
    if (options.socketMode === true) {
      const sockets = new WebSocketServer({ host: "127.0.0.1", port: 0 });
      await new Promise<void>((resolve) => sockets.once("listening", resolve));
      fake.#sockets = sockets;
      fake.#socketUrl = `ws://127.0.0.1:${(sockets.address() as AddressInfo).port}/link`;
      fake.#connected = new Promise((resolve) => {
        sockets.on("connection", (socket) => {
          socket.on("message", (data) => fake.#onAck(String(data)));
          socket.send(
            JSON.stringify({
              type: "hello",
              num_connections: 1,
              debug_info: { host: "fake", approximate_connection_time: 18060 },
              connection_info: { app_id: "A0FAKE" },
            }),
          );
          resolve(socket);
        });
      });
    }
    return fake;
  }

  /** The base URL to pass as slackApiUrl (ends in /api/). */
  get url(): string {
    return this.#url;
  }

  /** Makes the next call of `method` answer this way instead of succeeding; queue several for several calls. */
  script(method: string, ...answers: ScriptedAnswer[]): void {
    this.#scripts.set(method, [...(this.#scripts.get(method) ?? []), ...answers]);
  }

  /** Lets oauth.v2.access exchange `grant.code` for the grant's bot token (then accepted like the main one). */
  grant(grant: OAuthGrant): void {
    this.#grants.set(grant.code, grant);
  }

  /** Makes users.info know this member (others: user_not_found, as Slack answers). */
  user(id: string, displayName: string): void {
    this.#users.set(id, displayName);
  }

  /** Calls of `method`, in order. */
  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** chat.postMessage calls that succeeded, in order. */
  posts(): Array<{ channel: string; thread_ts?: string; text: string; blocks: unknown[]; ts: string }> {
    return this.calls
      .filter((call) => call.method === "chat.postMessage" && typeof call.args.ts === "string")
      .map((call) => ({
        channel: String(call.args.channel),
        ...(typeof call.args.thread_ts === "string" ? { thread_ts: call.args.thread_ts } : {}),
        text: String(call.args.text),
        blocks: parseBlocks(call.args.blocks),
        ts: String(call.args.ts),
      }));
  }

  /**
   * Sends an Events API payload over the Socket Mode connection as a Slack envelope; resolves with the time
   * the app took to acknowledge it (its `{envelope_id}` reply).
   */
  async sendEnvelope(
    payload: unknown,
    options: { type?: string; retryAttempt?: number } = {},
  ): Promise<{ envelopeId: string; milliseconds: number }> {
    if (this.#connected === null) throw new Error("the fake was started without socketMode");
    const socket = await this.#connected;
    const envelopeId = `env-${++this.#envelopeCount}`;
    const acknowledged = new Promise<void>((resolve) => this.#ackWaiters.set(envelopeId, resolve));
    const started = performance.now();
    socket.send(
      JSON.stringify({
        envelope_id: envelopeId,
        type: options.type ?? "events_api",
        payload,
        accepts_response_payload: false,
        retry_attempt: options.retryAttempt ?? 0,
        retry_reason: options.retryAttempt ? "timeout" : "",
      }),
    );
    await acknowledged;
    return { envelopeId, milliseconds: performance.now() - started };
  }

  async close(): Promise<void> {
    if (this.#sockets !== null) {
      for (const client of this.#sockets.clients) client.terminate();
      await new Promise<void>((resolve) => this.#sockets?.close(() => resolve()));
    }
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #onAck(data: string): void {
    let message: { envelope_id?: unknown; payload?: unknown };
    try {
      message = JSON.parse(data) as typeof message;
    } catch {
      return;
    }
    if (typeof message.envelope_id !== "string") return;
    this.acks.push({ envelope_id: message.envelope_id, payload: message.payload });
    this.#ackWaiters.get(message.envelope_id)?.();
    this.#ackWaiters.delete(message.envelope_id);
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = (request.url ?? "").replace(/^\/api\//, "").split("?")[0] ?? "";
    const body = await readText(request);
    const args = parseArgs(String(request.headers["content-type"] ?? ""), body);
    const authorization = request.headers.authorization;
    const token =
      typeof authorization === "string" ? authorization.replace(/^Bearer /, "") : (args.token as string);
    const call: RecordedCall = { method, args, token };
    this.calls.push(call);

    const scripted = this.#scripts.get(method)?.shift();
    if (scripted !== undefined) {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (scripted.retryAfterSeconds !== undefined)
        headers["retry-after"] = String(scripted.retryAfterSeconds);
      response
        .writeHead(scripted.status ?? 200, headers)
        .end(JSON.stringify({ ok: false, error: scripted.error ?? "internal_error" }));
      return;
    }
    if (method === "oauth.v2.access") return this.#exchange(response, args);
    const installed = token === undefined ? undefined : this.#granted.get(token);
    const tokenNeeded = method === "apps.connections.open" ? null : this.options.botToken;
    if (tokenNeeded !== null && token !== tokenNeeded && installed === undefined)
      return json(response, { ok: false, error: "invalid_auth" });
    switch (method) {
      case "auth.test":
        return json(response, {
          ok: true,
          url: "https://fake.example/",
          team: installed?.teamName ?? "Fake Team",
          user: "lutin",
          team_id: installed?.teamId ?? "T0FAKE",
          user_id: installed?.botUserId ?? this.options.botUserId ?? "U0LUTIN",
          bot_id: installed?.botId ?? this.options.botId ?? "B0LUTIN",
          ...(installed?.enterpriseId === undefined
            ? {}
            : { enterprise_id: installed.enterpriseId, is_enterprise_install: true }),
        });
      case "chat.postMessage":
      case "chat.update": {
        const ts = typeof args.ts === "string" && method === "chat.update" ? args.ts : this.#nextTs();
        if (method === "chat.postMessage") args.ts = ts;
        return json(response, { ok: true, channel: args.channel, ts, message: { text: args.text, ts } });
      }
      case "users.info": {
        const name = this.#users.get(String(args.user));
        if (name === undefined) return json(response, { ok: false, error: "user_not_found" });
        return json(response, {
          ok: true,
          user: { id: args.user, name: name.toLowerCase(), real_name: name, profile: { display_name: name } },
        });
      }
      case "apps.connections.open":
        if (this.#sockets === null) return json(response, { ok: false, error: "not_allowed_token_type" });
        return json(response, { ok: true, url: this.#socketUrl });
      default:
        return json(response, { ok: true });
    }
  }

  /** oauth.v2.access as Slack answers it: the code and the app's credentials buy the workspace's bot token. */
  #exchange(response: ServerResponse, args: Record<string, unknown>): void {
    const grant = typeof args.code === "string" ? this.#grants.get(args.code) : undefined;
    if (grant === undefined) {
      json(response, { ok: false, error: "invalid_code" });
      return;
    }
    if (args.client_id !== grant.clientId || args.client_secret !== grant.clientSecret) {
      json(response, { ok: false, error: "invalid_client_id" });
      return;
    }
    this.#grants.delete(grant.code); // a code is good once
    this.#granted.set(grant.botToken, grant);
    json(response, {
      ok: true,
      app_id: "A0FAKE",
      authed_user: { id: "U0ADMIN" },
      scope: "chat:write,commands,im:history",
      token_type: "bot",
      access_token: grant.botToken,
      bot_user_id: grant.botUserId,
      ...(grant.enterpriseId === undefined
        ? { team: { id: grant.teamId, name: grant.teamName }, enterprise: null, is_enterprise_install: false }
        : {
            team: null,
            enterprise: { id: grant.enterpriseId, name: grant.teamName },
            is_enterprise_install: true,
          }),
    });
  }

  #nextTs(): string {
    // Slack's ts: seconds and a sequence, unique per channel; the fake keeps them unique overall.
    const seconds = Math.floor(Date.now() / 1000);
    return `${seconds}.${String(++this.#messageCount).padStart(6, "0")}`;
  }
}

function parseArgs(contentType: string, body: string): Record<string, unknown> {
  if (contentType.startsWith("application/json")) {
    try {
      return JSON.parse(body) as Record<string, unknown>;
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(body));
}

function parseBlocks(raw: unknown): unknown[] {
  if (Array.isArray(raw)) return raw;
  if (typeof raw !== "string") return [];
  try {
    const parsed = JSON.parse(raw) as unknown;
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

function readText(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function json(response: ServerResponse, body: unknown): void {
  response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
}
