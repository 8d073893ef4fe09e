import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { isValidSlackRequest } from "@slack/bolt";
import { eventEnvelopeSchema } from "./inbound-mapping.js";

export interface RequestGateOptions {
  signingSecret: string;
  maxBodyBytes: number;
  /** Bolt's HTTPReceiver listener: it verifies, acknowledges and dispatches. */
  forward: RequestListener;
  onRateLimitNotice?(): void;
}

/**
 * In front of Bolt's HTTP receiver: Bolt answers a signed but incomplete event (no `event`, a message
 * without channel or ts, an unknown `type`) with nothing until its 3 s unhandled-request timer fires, and
 * then with 404, which Slack retries. This gate reads the body once, and answers such a body 400 at once; everything else
 * (including bad signatures, which Bolt answers 401, and unparsable JSON, 400) goes to Bolt unchanged. The
 * body is handed over as `rawBody`, which Bolt reuses instead of reading the stream again.
 */
export function createRequestGate(options: RequestGateOptions): RequestListener {
  return (request, response) => {
    if (request.method !== "POST") {
      options.forward(request, response);
      return;
    }
    readBody(request, options.maxBodyBytes).then(
      (body) => {
        if (body === null)
          return answer(response, 413, "body too large", "Slack never sends bodies this large");
        (request as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
        const verdict = judge(request, body, options.signingSecret);
        if (verdict === "incomplete")
          return answer(response, 400, "not a usable Events API payload", "send the Events API envelope");
        if (verdict === "rate_limit_notice") {
          // Slack tells the app it is dropping events; nothing to process, only to say so.
          options.onRateLimitNotice?.();
          return answer(response, 200, "noted", "");
        }
        options.forward(request, response);
      },
      () => answer(response, 400, "request body could not be read", "retry the request"),
    );
  };
}

type Verdict = "forward" | "incomplete" | "rate_limit_notice";

function judge(request: IncomingMessage, body: Buffer, signingSecret: string): Verdict {
  // Interactivity and slash commands come form-encoded: Bolt parses and routes them.
  if (!String(request.headers["content-type"] ?? "").startsWith("application/json")) return "forward";
  const text = body.toString("utf8");
  const signature = request.headers["x-slack-signature"];
  const timestamp = Number(request.headers["x-slack-request-timestamp"]);
  // Only a body signed by Slack gets a 400 from here: anything unsigned is Bolt's to refuse with 401.
  if (typeof signature !== "string" || !Number.isFinite(timestamp)) return "forward";
  if (
    !isValidSlackRequest({
      signingSecret,
      body: text,
      headers: { "x-slack-signature": signature, "x-slack-request-timestamp": timestamp },
    })
  )
    return "forward";
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return "forward";
  }
  if (typeof json !== "object" || json === null) return "incomplete";
  const type = (json as { type?: unknown }).type;
  if (type === "url_verification") return "forward";
  if (type === "app_rate_limited") return "rate_limit_notice";
  if (type !== "event_callback") return "incomplete";
  return eventEnvelopeSchema.safeParse(json).success ? "forward" : "incomplete";
}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    request.on("end", () => resolve(size > limit ? null : Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function answer(response: ServerResponse, status: number, error: string, fix: string): void {
  if (response.headersSent) return;
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ error, fix }));
}
