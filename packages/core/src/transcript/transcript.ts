import { z } from "zod";
import { LutinError } from "../errors.js";
import {
  EVENT_KINDS,
  type InboundEvent,
  inboundEventSchema,
  ORIGINS,
  SENDERS,
} from "../events/inbound-event.js";

/**
 * The transcript format of COUNTING.md: one JSON object per line, used by `lutin simulate`, replays and
 * tests. Beyond the documented fields, `echo: true` marks the bot's own echoed message (C9) and the
 * kinds `edit` and `delete` stand for message edits and deletions (C9).
 */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

const transcriptLineSchema = z
  .object({
    at: z
      .string({ error: "`at` is required: an ISO 8601 timestamp such as 2026-03-10T09:00:00Z" })
      .regex(
        ISO_WITH_ZONE,
        "`at` must be an ISO 8601 timestamp with a time zone, such as 2026-03-10T09:00:00Z",
      )
      .refine((value) => !Number.isNaN(Date.parse(value)), "`at` is not a real date"),
    id: z.string({ error: "`id` is required: the event's idempotency key" }).min(1, "`id` must not be empty"),
    thread: z.string({ error: "`thread` is required" }).min(1, "`thread` must not be empty"),
    tenant: z.string().min(1).default("default"),
    channel: z.string().min(1).default("web"),
    kind: z
      .enum(EVENT_KINDS, { error: `\`kind\` must be one of ${EVENT_KINDS.join(", ")}` })
      .default("message"),
    from: z.enum(SENDERS, { error: `\`from\` must be one of ${SENDERS.join(", ")}` }).optional(),
    origin: z.enum(ORIGINS, { error: `\`origin\` must be one of ${ORIGINS.join(", ")}` }).default("live"),
    text: z.string().optional(),
    related: z.boolean({ error: "`related` must be true or false" }).optional(),
    ref: z.string().min(1).optional(),
    echo: z.boolean({ error: "`echo` must be true or false" }).optional(),
  })
  .strict();

export interface TranscriptEvent extends InboundEvent {
  /** 1-based line of the transcript the event came from. */
  line: number;
}

/** Parses a whole transcript; the first problem stops it with `file:line: what is wrong`. */
export function parseTranscript(content: string, fileName = "transcript"): TranscriptEvent[] {
  const events: TranscriptEvent[] = [];
  const lines = content.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const text = (lines[index] as string).trim();
    if (text === "" || text.startsWith("//")) continue;
    const line = index + 1;
    const fail = (problem: string): never => {
      throw new LutinError("TRANSCRIPT_INVALID", `${fileName}:${line}: ${problem}`, {
        hint: "each line must be one JSON object in the transcript format of COUNTING.md (fields at, id, thread, ...)",
        details: { file: fileName, line },
      });
    };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      fail(`not valid JSON (${(error as Error).message})`);
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) fail("expected a JSON object");
    const parsed = transcriptLineSchema.safeParse(json);
    if (!parsed.success) fail(describeIssues(parsed.error));
    const { at, id, ...rest } = parsed.data as z.output<typeof transcriptLineSchema>;
    const millis = Date.parse(at);
    const inbound = inboundEventSchema.safeParse({ ...rest, key: id, at: millis, receivedAt: millis });
    if (!inbound.success) fail(describeIssues(inbound.error));
    events.push({ ...(inbound.data as InboundEvent), line });
  }
  return events;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      if (issue.code === "unrecognized_keys")
        return `unknown field ${issue.keys.map((key) => `\`${key}\``).join(", ")}`;
      const field = issue.path.length > 0 ? issue.path.join(".") : "line";
      return issue.message.includes("`") ? issue.message : `${field}: ${issue.message}`;
    })
    .join("; ");
}
