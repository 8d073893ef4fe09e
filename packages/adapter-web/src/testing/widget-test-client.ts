import WebSocket from "ws";

/** A frame the server sent to a widget. */
export type ServerFrame = { type: string; [field: string]: unknown };

/**
 * Plays the browser widget over a real WebSocket (the `ws` package as client), for the conformance
 * suite, the integration tests and the benchmark: hello, messages with client ids, receipts.
 */
export class WidgetTestClient {
  readonly frames: ServerFrame[] = [];
  readonly replies: ServerFrame[] = [];
  #refuseNext = 0;
  #autoReceipt = true;
  #waiters: Array<{ test: (frame: ServerFrame) => boolean; resolve: (frame: ServerFrame) => void }> = [];
  /** What the server's welcome said: the visitor it made or resumed, and the token to resume it with. */
  identity: { visitor: string; token: string; resumed: boolean } = { visitor: "", token: "", resumed: false };

  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data) => {
      const frame = JSON.parse(data.toString()) as ServerFrame;
      this.frames.push(frame);
      if (frame.type === "reply") {
        const refuse = this.#refuseNext > 0;
        if (refuse) this.#refuseNext -= 1;
        else this.replies.push(frame);
        if (this.#autoReceipt) this.send({ type: "receipt", key: frame.key, ok: !refuse });
      }
      const index = this.#waiters.findIndex((waiter) => waiter.test(frame));
      if (index >= 0) this.#waiters.splice(index, 1)[0]?.resolve(frame);
    });
  }

  get visitor(): string {
    return this.identity.visitor;
  }

  /**
   * Opens the socket (rejects with the HTTP status when the upgrade is refused) and says hello: as a new
   * visitor, as a returning one (`resume`, the identity of an earlier welcome, as the widget keeps it
   * across a reload), or as a tenant-signed customer.
   */
  static async connect(options: {
    url: string;
    key: string;
    resume?: { visitor: string; token: string };
    customer?: { id: string; hash: string };
    origin?: string;
    autoReceipt?: boolean;
  }): Promise<WidgetTestClient> {
    const socket = new WebSocket(
      `${options.url.replace(/^http/, "ws")}/ws/widget?key=${encodeURIComponent(options.key)}`,
      {
        origin: options.origin ?? options.url,
      },
    );
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("unexpected-response", (_request, response) =>
        reject(
          Object.assign(new Error(`upgrade refused: ${response.statusCode}`), {
            status: response.statusCode,
          }),
        ),
      );
      socket.once("error", reject);
    });
    const client = new WidgetTestClient(socket);
    if (options.autoReceipt === false) client.#autoReceipt = false;
    const welcome = client.next((frame) => frame.type === "welcome" || frame.type === "error");
    client.send({
      type: "hello",
      ...(options.resume === undefined
        ? {}
        : { visitor: options.resume.visitor, token: options.resume.token }),
      ...(options.customer === undefined ? {} : { customer: options.customer }),
    });
    const answer = await welcome;
    if (answer.type === "error") {
      socket.close();
      throw Object.assign(new Error(`hello refused: ${String(answer.code)}`), { code: answer.code });
    }
    client.identity = {
      visitor: String(answer.visitor),
      token: String(answer.token),
      resumed: answer.resumed === true,
    };
    return client;
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** The next frame (from now on) that passes `test`. */
  next(test: (frame: ServerFrame) => boolean, timeoutMs = 15_000): Promise<ServerFrame> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no such frame in time")), timeoutMs);
      this.#waiters.push({
        test,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
      });
    });
  }

  /** Sends a customer message; resolves with the server's ack or error for that id. */
  async message(id: string, text: string): Promise<ServerFrame> {
    const answer = this.next((frame) => (frame.type === "ack" || frame.type === "error") && frame.id === id);
    this.send({ type: "message", id, text });
    return answer;
  }

  refuseNextReply(): void {
    this.#refuseNext += 1;
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once("close", () => resolve());
      this.socket.close();
    });
  }
}
