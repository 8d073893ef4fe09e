import { randomUUID } from "node:crypto";
import { createInterface, type Interface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type {
  ChannelAdapter,
  CoreHandle,
  DeliveryResult,
  OutboundMessage,
  TurnOutcome,
} from "@lutingenie/core";

export interface TerminalAdapterOptions {
  input: Readable;
  output: Writable;
  tenant: string;
  /** Print replies as text (`Lutin › …`); false when the caller prints JSON per turn instead. */
  printReplies: boolean;
  /** Called with what core decided for each line, in order. */
  onOutcome?: (outcome: TurnOutcome, line: string) => void;
  /** Called for an event core refused (bad input), with the error. */
  onError?: (error: unknown) => void;
  now?: () => number;
}

export interface TerminalAdapter extends ChannelAdapter {
  /** Resolves when the input ends (Ctrl-D, end of a piped file, `/quit`) and every line was handled. */
  readonly finished: Promise<void>;
}

/**
 * A chat in the terminal: each line is a customer message of one thread (one session = one visitor).
 * `/resolve` presses the "that solved it" button (C4), `/close` closes the conversation (C3), `/quit` ends.
 * Lines are handled one after another, so piped input gives the same transcript as typing.
 */
export function createTerminalAdapter(options: TerminalAdapterOptions): TerminalAdapter {
  const session = `terminal-${randomUUID().slice(0, 8)}`;
  const now = options.now ?? Date.now;
  let lines: Interface | null = null;
  let sequence = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });

  const handleLine = async (core: CoreHandle, raw: string) => {
    const line = raw.trim();
    if (line.length === 0) return true;
    if (line === "/quit" || line === "/exit") return false;
    const kind = line === "/resolve" ? "resolve" : line === "/close" ? "close" : "message";
    const at = now();
    try {
      const outcome = await core.receive({
        key: `${session}-${++sequence}`,
        tenant: options.tenant,
        thread: session,
        kind,
        from: "customer",
        at,
        receivedAt: at,
        ...(kind === "message" ? { text: line } : {}),
      });
      options.onOutcome?.(outcome, line);
    } catch (error) {
      options.onError?.(error);
    }
    return true;
  };

  return {
    channel: "terminal",
    finished,
    async start(core) {
      lines = createInterface({ input: options.input, terminal: false, crlfDelay: Number.POSITIVE_INFINITY });
      void (async () => {
        for await (const line of lines as Interface) {
          if (!(await handleLine(core, line))) break;
        }
        finish();
      })();
    },
    async stop() {
      lines?.close();
    },
    async send(message: OutboundMessage): Promise<DeliveryResult> {
      if (options.printReplies) {
        // Arabic reads right to left: an isolate keeps the terminal's bidi algorithm from mixing the prompt in.
        const text = message.direction === "rtl" ? `\u2067${message.text}\u2069` : message.text;
        options.output.write(`Lutin › ${text}\n`);
        for (const action of message.actions ?? []) options.output.write(`        [${action.label}]\n`);
      }
      return { ok: true, deliveredAt: now() };
    },
  };
}
