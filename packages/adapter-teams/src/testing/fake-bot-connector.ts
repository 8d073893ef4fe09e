import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** The Bot Connector operations the fake knows, named as botbuilder's ConnectorClient names them. */
export type ConnectorOperation =
  | "token"
  | "createConversation"
  | "sendToConversation"
  | "replyToActivity"
  | "updateActivity"
  | "deleteActivity"
  | "getConversationMembers"
  | "getConversationMember"
  | "getConversationPagedMembers"
  | "getTeamChannels"
  | "getTeamDetails";

/** One request as the fake received it. */
export interface ConnectorCall {
  operation: ConnectorOperation | "unknown";
  method: string;
  path: string;
  conversationId?: string;
  activityId?: string;
  body: Record<string, unknown> | null;
  /** The bearer token presented (outbound auth is checked on every /v3 call). */
  token: string | undefined;
  /** The status the fake answered. */
  status: number;
}

/** A scripted answer for the next call of an operation, instead of success. */
export interface ScriptedConnectorAnswer {
  /** The status to answer; none: the call succeeds, after `delayMs`. */
  status?: 429 | 412 | 413 | 500 | 502 | 503 | 504 | 404 | 403 | 400 | 401;
  retryAfterSeconds?: number;
  /**
   * The ambiguous failure: the fake does the work (the activity is posted and visible) and then answers
   * this status, as a gateway that lost the service's answer would.
   */
  afterCommit?: boolean;
  /** For posts (send, reply): the activity type it applies to; default "message" (a typing indicator passes). */
  activityType?: string;
  /** Waits this long before answering (a slow connector; with afterCommit, a time-out after the post). */
  delayMs?: number;
}

/** An activity the bot posted, as it now stands in the conversation (updates applied, deletions marked). */
export interface PostedActivity {
  id: string;
  conversationId: string;
  /** The activity it was posted as a reply to (POST …/activities/{id}), if any. */
  replyToId?: string;
  activity: Record<string, unknown>;
  deleted: boolean;
  /** How many PUTs replaced it. */
  updates: number;
}

export interface FakeBotConnectorOptions {
  /** The app id and password the token endpoint accepts (client_credentials). */
  appId: string;
  appPassword: string;
  /** Members GET …/members answers, per conversation id (default: none). */
  members?: Record<string, Array<Record<string, unknown>>>;
  /** Channels of a team (GET /v3/teams/{id}/conversations). */
  teams?: Record<string, { name?: string; channels: Array<{ id: string; name?: string }> }>;
  /** Largest request body the connector takes before answering 413 MessageSizeTooBig. Default 100 KB. */
  maxActivityBytes?: number;
}

const TOKEN_PATH = "/botframework.com/oauth2/v2.0/token";

/**
 * The Bot Connector service on 127.0.0.1, speaking its REST protocol (v3): creates conversations, takes
 * activities (send, reply, update, delete), lists members and a team's channels, and issues app tokens
 * on a client_credentials endpoint. Every /v3 call must carry a token it issued (401 otherwise), bodies
 * over `maxActivityBytes` get 413 MessageSizeTooBig as Teams answers, and `script()` makes the next calls
 * answer 429 (Retry-After), 412, 502, 504… on demand. No traffic leaves the machine.
 */
export class FakeBotConnector {
  readonly calls: ConnectorCall[] = [];
  readonly #posted = new Map<string, PostedActivity>();
  readonly #order: string[] = [];
  readonly #scripts = new Map<ConnectorOperation, ScriptedConnectorAnswer[]>();
  readonly #tokens = new Set<string>();
  readonly #server: Server;
  #sequence = 0;
  #url = "";

  private constructor(private readonly options: FakeBotConnectorOptions) {
    this.#server = createServer((request, response) => {
      this.#handle(request, response).catch(() => {
        if (!response.headersSent) response.writeHead(500).end();
      });
    });
  }

  static async start(options: FakeBotConnectorOptions): Promise<FakeBotConnector> {
    const fake = new FakeBotConnector(options);
    await new Promise<void>((resolve) => fake.#server.listen(0, "127.0.0.1", resolve));
    fake.#url = `http://127.0.0.1:${(fake.#server.address() as AddressInfo).port}`;
    return fake;
  }

  /** The serviceUrl activities carry (ends with /): where the bot sends its answers. */
  get serviceUrl(): string {
    return `${this.#url}/`;
  }

  /** The client_credentials token endpoint (what login.microsoftonline.com is in production). */
  get tokenUrl(): string {
    return `${this.#url}${TOKEN_PATH}`;
  }

  /**
   * Makes the next calls of `operation` answer so, in order; later calls succeed again. Scripts of
   * sendToConversation also apply to replyToActivity (both post a new message; botbuilder's proactive
   * sends are replies).
   */
  script(operation: ConnectorOperation, ...answers: ScriptedConnectorAnswer[]): void {
    this.#scripts.set(operation, [...(this.#scripts.get(operation) ?? []), ...answers]);
  }

  callsOf(operation: ConnectorOperation): ConnectorCall[] {
    return this.calls.filter((call) => call.operation === operation);
  }

  /** Activities posted to a conversation (or all), in order, deleted ones included (marked). */
  posted(conversationId?: string): PostedActivity[] {
    return this.#order
      .map((id) => this.#posted.get(id) as PostedActivity)
      .filter((posted) => conversationId === undefined || posted.conversationId === conversationId);
  }

  /** Message texts the bot posted to a conversation, in order (typing indicators and deleted ones left out). */
  texts(conversationId: string): string[] {
    return this.posted(conversationId)
      .filter((posted) => !posted.deleted && posted.activity.type === "message")
      .map((posted) => String(posted.activity.text ?? ""));
  }

  /** Typing indicators sent to a conversation. */
  typing(conversationId: string): number {
    return this.posted(conversationId).filter((posted) => posted.activity.type === "typing").length;
  }

  activity(id: string): PostedActivity | undefined {
    return this.#posted.get(id);
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = (request.method ?? "GET").toUpperCase();
    const path = (request.url ?? "/").split("?")[0] ?? "/";
    const raw = await readBody(request);
    const route = routeOf(method, path);
    const call: ConnectorCall = {
      operation: route.operation,
      method,
      path,
      ...(route.conversationId === undefined ? {} : { conversationId: route.conversationId }),
      ...(route.activityId === undefined ? {} : { activityId: route.activityId }),
      body: null,
      token: undefined,
      status: 0,
    };
    this.calls.push(call);
    const answer = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      response
        .writeHead(status, { "content-type": "application/json", ...headers })
        .end(body === undefined ? "" : JSON.stringify(body));
    };

    if (route.operation === "token") return this.#token(raw.toString("utf8"), answer);
    const authorization = request.headers.authorization;
    call.token = typeof authorization === "string" ? authorization.replace(/^Bearer /, "") : undefined;
    if (call.token === undefined || !this.#tokens.has(call.token))
      return answer(401, { error: { code: "Unauthorized", message: "Authorization has been denied" } });
    if (route.operation === "unknown")
      return answer(404, { error: { code: "NotFound", message: "no such route" } });
    if (raw.length > (this.options.maxActivityBytes ?? 100 * 1024))
      return answer(413, { error: { code: "MessageSizeTooBig", message: "Message size too large" } });
    call.body = parseObject(raw);

    const scripted = this.#scriptFor(route.operation, call.body);
    if (scripted?.delayMs !== undefined)
      await new Promise((resolve) => setTimeout(resolve, scripted.delayMs));
    const failing = scripted?.status === undefined ? undefined : { ...scripted, status: scripted.status };
    if (failing !== undefined && failing.afterCommit !== true) {
      return answer(
        failing.status,
        { error: { code: codeOf(failing.status), message: "scripted by the test" } },
        failing.retryAfterSeconds === undefined ? {} : { "retry-after": String(failing.retryAfterSeconds) },
      );
    }
    const result = this.#perform(route, call.body ?? {});
    if (failing !== undefined)
      return answer(failing.status, { error: { code: codeOf(failing.status), message: "lost answer" } });
    return answer(result.status, result.body);
  }

  /** The next scripted answer that applies to this call, taken off its queue. */
  #scriptFor(
    operation: ConnectorOperation,
    body: Record<string, unknown> | null,
  ): ScriptedConnectorAnswer | undefined {
    const posting = operation === "sendToConversation" || operation === "replyToActivity";
    // A reply posts a new message as sendToConversation does: its scripts apply to both.
    const queues = [
      this.#scripts.get(operation),
      operation === "replyToActivity" ? this.#scripts.get("sendToConversation") : undefined,
    ];
    for (const queue of queues) {
      if (queue === undefined) continue;
      const index = queue.findIndex(
        (answer) => !posting || (answer.activityType ?? "message") === body?.type,
      );
      if (index !== -1) return queue.splice(index, 1)[0];
    }
    return undefined;
  }

  #token(form: string, answer: (status: number, body?: unknown) => void): void {
    const fields = new URLSearchParams(form);
    if (
      fields.get("grant_type") !== "client_credentials" ||
      fields.get("client_id") !== this.options.appId ||
      fields.get("client_secret") !== this.options.appPassword
    ) {
      answer(401, { error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret" });
      return;
    }
    const token = `fake-access-${randomUUID()}`;
    this.#tokens.add(token);
    answer(200, { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: token });
  }

  #perform(route: Route, body: Record<string, unknown>): { status: number; body?: unknown } {
    switch (route.operation) {
      case "createConversation": {
        const channel = (body.channelData as { channel?: { id?: unknown } } | undefined)?.channel?.id;
        const activity = body.activity as Record<string, unknown> | undefined;
        if (typeof channel === "string" && activity !== undefined) {
          // A new post in a team channel: its conversation is the channel's, named by the post (Teams' form).
          const id = this.#nextId();
          const conversationId = `${channel};messageid=${id}`;
          this.#record({ id, conversationId, activity });
          return { status: 201, body: { id: conversationId, activityId: id, serviceUrl: this.serviceUrl } };
        }
        const conversationId = `a:fake-${randomUUID()}`;
        if (activity !== undefined) {
          const id = this.#nextId();
          this.#record({ id, conversationId, activity });
          return { status: 201, body: { id: conversationId, activityId: id, serviceUrl: this.serviceUrl } };
        }
        return { status: 201, body: { id: conversationId, serviceUrl: this.serviceUrl } };
      }
      case "sendToConversation":
      case "replyToActivity": {
        const id = this.#nextId();
        this.#record({
          id,
          conversationId: route.conversationId as string,
          activity: body,
          ...(route.operation === "replyToActivity" ? { replyToId: route.activityId as string } : {}),
        });
        return { status: 201, body: { id } };
      }
      case "updateActivity": {
        const existing = this.#posted.get(route.activityId as string);
        if (existing === undefined || existing.conversationId !== route.conversationId)
          return { status: 404, body: { error: { code: "ActivityNotFoundInConversation" } } };
        existing.activity = body;
        existing.updates++;
        return { status: 200, body: { id: existing.id } };
      }
      case "deleteActivity": {
        const existing = this.#posted.get(route.activityId as string);
        if (existing === undefined) return { status: 404, body: { error: { code: "NotFound" } } };
        existing.deleted = true;
        return { status: 200 };
      }
      case "getConversationMembers":
        return { status: 200, body: this.options.members?.[route.conversationId as string] ?? [] };
      case "getConversationPagedMembers":
        return {
          status: 200,
          body: { members: this.options.members?.[route.conversationId as string] ?? [] },
        };
      case "getConversationMember": {
        const member = (this.options.members?.[route.conversationId as string] ?? []).find(
          (candidate) => candidate.id === route.activityId,
        );
        return member === undefined
          ? { status: 404, body: { error: { code: "MemberNotFoundInConversation" } } }
          : { status: 200, body: member };
      }
      case "getTeamChannels": {
        const team = this.options.teams?.[route.conversationId as string];
        return team === undefined
          ? { status: 404, body: { error: { code: "NotFound" } } }
          : { status: 200, body: { conversations: team.channels } };
      }
      case "getTeamDetails": {
        const team = this.options.teams?.[route.conversationId as string];
        return team === undefined
          ? { status: 404, body: { error: { code: "NotFound" } } }
          : { status: 200, body: { id: route.conversationId, name: team.name ?? "Team" } };
      }
      default:
        return { status: 404 };
    }
  }

  #record(posted: Omit<PostedActivity, "deleted" | "updates">): void {
    this.#posted.set(posted.id, { ...posted, deleted: false, updates: 0 });
    this.#order.push(posted.id);
  }

  #nextId(): string {
    // Teams' message ids are millisecond timestamps; a sequence keeps the fake's unique.
    return String(1_700_000_000_000 + ++this.#sequence);
  }
}

interface Route {
  operation: ConnectorOperation | "unknown";
  conversationId?: string;
  activityId?: string;
}

function routeOf(method: string, path: string): Route {
  if (path === TOKEN_PATH && method === "POST") return { operation: "token" };
  const parts = path.split("/").filter((part) => part !== "");
  if (parts[0] !== "v3") return { operation: "unknown" };
  const decode = (part: string | undefined) => (part === undefined ? undefined : safeDecode(part));
  if (parts[1] === "teams" && parts.length === 4 && parts[3] === "conversations" && method === "GET")
    return { operation: "getTeamChannels", conversationId: decode(parts[2]) as string };
  if (parts[1] === "teams" && parts.length === 3 && method === "GET")
    return { operation: "getTeamDetails", conversationId: decode(parts[2]) as string };
  if (parts[1] !== "conversations") return { operation: "unknown" };
  if (parts.length === 2 && method === "POST") return { operation: "createConversation" };
  const conversationId = decode(parts[2]);
  if (conversationId === undefined) return { operation: "unknown" };
  if (parts[3] === "activities") {
    if (parts.length === 4 && method === "POST") return { operation: "sendToConversation", conversationId };
    const activityId = decode(parts[4]);
    if (parts.length === 5 && activityId !== undefined) {
      if (method === "POST") return { operation: "replyToActivity", conversationId, activityId };
      if (method === "PUT") return { operation: "updateActivity", conversationId, activityId };
      if (method === "DELETE") return { operation: "deleteActivity", conversationId, activityId };
    }
  }
  if (parts[3] === "members" && method === "GET") {
    if (parts.length === 4) return { operation: "getConversationMembers", conversationId };
    if (parts.length === 5)
      return { operation: "getConversationMember", conversationId, activityId: decode(parts[4]) as string };
  }
  if (parts[3] === "pagedmembers" && method === "GET" && parts.length === 4)
    return { operation: "getConversationPagedMembers", conversationId };
  return { operation: "unknown" };
}

function safeDecode(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

function codeOf(status: number): string {
  switch (status) {
    case 429:
      return "TooManyRequests";
    case 412:
      return "PreconditionFailed";
    case 413:
      return "MessageSizeTooBig";
    case 502:
      return "BadGateway";
    case 504:
      return "GatewayTimeout";
    default:
      return "ServiceError";
  }
}

function parseObject(raw: Buffer): Record<string, unknown> | null {
  if (raw.length === 0) return null;
  try {
    const parsed = JSON.parse(raw.toString("utf8")) as unknown;
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}
