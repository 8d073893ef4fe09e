import { type FileHandle, open } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import express from "express";
import type WebSocket from "ws";
import { WebSocketServer } from "ws";

/**
 * The web bench's two baselines: servers that speak the widget's frames (hello → welcome, message →
 * reply, receipt → ack) and do nothing else a support assistant does.
 * - bare: answers at once, keeps nothing;
 * - durable: journals each message and its reply to a file, one fdatasync per group of pending turns
 *   (group commit), and answers a message only once its line is on disk. The gap between the two is
 *   what durability costs on this machine; the gap between durable and `lutin serve` is the server's work.
 */

export interface EchoServer {
  port: number;
  stop(): Promise<void>;
}

interface WidgetFrame {
  type: string;
  id?: string;
  key?: string;
  text?: string;
}

/** Appends lines to a file; every caller waiting meanwhile shares the next write + fdatasync. */
export class GroupCommitJournal {
  #waiting: Array<{ line: string; done: () => void; failed: (error: unknown) => void }> = [];
  #writing = false;
  #groups = 0;
  #lines = 0;

  private constructor(private readonly file: FileHandle) {}

  static async open(path: string): Promise<GroupCommitJournal> {
    return new GroupCommitJournal(await open(path, "a"));
  }

  /** Resolves once `line` (and whatever was appended with it) is on disk. */
  append(line: string): Promise<void> {
    return new Promise((done, failed) => {
      this.#waiting.push({ line, done, failed });
      if (!this.#writing) void this.#drain();
    });
  }

  /** Groups written and lines in them: lines / groups is how many turns one fdatasync served. */
  get statistics(): { groups: number; lines: number } {
    return { groups: this.#groups, lines: this.#lines };
  }

  async #drain(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#waiting.length > 0) {
        const group = this.#waiting.splice(0);
        try {
          await this.file.write(group.map((entry) => entry.line).join(""));
          await this.file.datasync();
          this.#groups += 1;
          this.#lines += group.length;
          for (const entry of group) entry.done();
        } catch (error) {
          for (const entry of group) entry.failed(error);
        }
      }
    } finally {
      this.#writing = false;
    }
  }

  async close(): Promise<void> {
    while (this.#writing) await new Promise((resolve) => setImmediate(resolve));
    await this.file.close();
  }
}

type Answer = (client: WebSocket, frame: WidgetFrame, pending: Map<string, string>) => void;

async function startEchoServer(answerMessage: Answer, onStop: () => Promise<void>): Promise<EchoServer> {
  const app = express();
  const http = createServer(app);
  const sockets = new WebSocketServer({ noServer: true });
  http.on("upgrade", (request, socket, head) =>
    sockets.handleUpgrade(request, socket, head, (client) => {
      // Reply key → message id, so the receipt's ack names the message, as the widget protocol does.
      const pending = new Map<string, string>();
      client.on("message", (data) => {
        const frame = JSON.parse(data.toString()) as WidgetFrame;
        if (frame.type === "hello")
          client.send(JSON.stringify({ type: "welcome", visitor: "v", maxMessageLength: 2000 }));
        else if (frame.type === "message") answerMessage(client, frame, pending);
        else if (frame.type === "receipt") {
          const id = pending.get(frame.key as string);
          pending.delete(frame.key as string);
          client.send(JSON.stringify({ type: "ack", id, status: "answered" }));
        }
      });
    }),
  );
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  return {
    port: (http.address() as AddressInfo).port,
    async stop() {
      for (const client of sockets.clients) client.terminate();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await onStop();
    },
  };
}

function sendReply(client: WebSocket, frame: WidgetFrame, pending: Map<string, string>): void {
  const key = `reply:${frame.id}`;
  pending.set(key, frame.id as string);
  client.send(
    JSON.stringify({ type: "reply", key, text: frame.text, direction: "ltr", author: "assistant" }),
  );
}

/** The first baseline: the same frames, no work. */
export function startBareEcho(): Promise<EchoServer> {
  return startEchoServer(sendReply, async () => undefined);
}

/** The second baseline: each message and its reply journaled (group commit, fdatasync) before the reply goes out. */
export async function startDurableEcho(
  dataDir: string,
): Promise<EchoServer & { journal: GroupCommitJournal }> {
  const journal = await GroupCommitJournal.open(join(dataDir, "echo.journal"));
  const server = await startEchoServer(
    (client, frame, pending) => {
      const at = Date.now();
      const line = `${JSON.stringify({ at, id: frame.id, message: frame.text, reply: frame.text })}\n`;
      journal.append(line).then(
        () => {
          if (client.readyState === client.OPEN) sendReply(client, frame, pending);
        },
        () => client.close(1011, "journal write failed"),
      );
    },
    () => journal.close(),
  );
  return { ...server, journal };
}
