import WebSocket from "ws";
import type { ServerFrame } from "./widget-test-client.js";

/** Plays an agent console over a real WebSocket: sign in, commands with request ids, posts received. */
export class AgentTestClient {
  readonly frames: ServerFrame[] = [];
  #sequence = 0;
  #waiters: Array<{ test: (frame: ServerFrame) => boolean; resolve: (frame: ServerFrame) => void }> = [];

  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data) => {
      const frame = JSON.parse(data.toString()) as ServerFrame;
      this.frames.push(frame);
      const index = this.#waiters.findIndex((waiter) => waiter.test(frame));
      if (index >= 0) this.#waiters.splice(index, 1)[0]?.resolve(frame);
    });
  }

  static async signIn(url: string, token: string): Promise<AgentTestClient> {
    const socket = new WebSocket(`${url.replace(/^http/, "ws")}/ws/agent`, { origin: url });
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    const client = new AgentTestClient(socket);
    const snapshot = client.next((frame) => frame.type === "snapshot");
    socket.send(JSON.stringify({ type: "auth", token }));
    await snapshot;
    return client;
  }

  next(test: (frame: ServerFrame) => boolean, timeoutMs = 15_000): Promise<ServerFrame> {
    const seen = this.frames.find(test);
    if (seen !== undefined) {
      this.frames.splice(this.frames.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no such frame in time")), timeoutMs);
      this.#waiters.push({
        test,
        resolve: (frame) => {
          clearTimeout(timer);
          this.frames.splice(this.frames.indexOf(frame), 1);
          resolve(frame);
        },
      });
    });
  }

  /** Sends a command and resolves with its result frame. */
  command(command: Record<string, unknown>): Promise<ServerFrame> {
    this.#sequence += 1;
    const requestId = `r${this.#sequence}`;
    const result = this.next((frame) => frame.type === "result" && frame.requestId === requestId);
    this.socket.send(JSON.stringify({ ...command, requestId }));
    return result;
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once("close", () => resolve());
      this.socket.close();
    });
  }
}
