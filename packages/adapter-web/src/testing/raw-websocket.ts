import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";

/**
 * A WebSocket client that sends whatever bytes it is told, as an attacker's would: frames no
 * well-behaved client library lets you send (invalid UTF-8, reserved close codes, oversized or
 * fragmented frames, bad opcodes). For the hardening and fuzz tests.
 */
export class RawWebSocket {
  #received: Buffer = Buffer.alloc(0);
  #closed = false;
  readonly closedPromise: Promise<void>;

  private constructor(
    readonly socket: Socket,
    /** The server's answer to the upgrade: its status line. */
    readonly status: number,
    /** Bytes that came in the same read as the answer's head: the first frames. */
    firstBytes: Buffer,
  ) {
    this.#received = firstBytes;
    this.closedPromise = new Promise((resolve) => {
      socket.once("close", () => {
        this.#closed = true;
        resolve();
      });
    });
    socket.on("data", (chunk: Buffer) => {
      this.#received = Buffer.concat([this.#received, chunk]);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Opens a TCP connection and asks for the upgrade; resolves once the server answered (101 or not). */
  static async open(url: string, headers: Record<string, string> = {}): Promise<RawWebSocket> {
    const target = new URL(url);
    const socket = connect({ host: target.hostname, port: Number(target.port) });
    socket.on("error", () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    const lines = [
      `GET ${target.pathname}${target.search} HTTP/1.1`,
      `Host: ${target.host}`,
      "Upgrade: websocket",
      "Connection: Upgrade",
      `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}`,
      "Sec-WebSocket-Version: 13",
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ];
    socket.write(`${lines.join("\r\n")}\r\n\r\n`);
    let rest = Buffer.alloc(0);
    const head = await new Promise<Buffer>((resolve) => {
      let buffer = Buffer.alloc(0);
      const onData = (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        const end = buffer.indexOf("\r\n\r\n");
        if (end < 0) return;
        socket.off("data", onData);
        socket.off("close", onClose);
        // Whatever came after the head is the first frame(s): kept for the instance.
        rest = buffer.subarray(end + 4);
        resolve(buffer.subarray(0, end));
      };
      const onClose = () => resolve(buffer);
      socket.on("data", onData);
      socket.once("close", onClose);
    });
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head.toString("latin1"))?.[1] ?? 0);
    return new RawWebSocket(socket, status, rest);
  }

  /** One frame, masked as a client's must be. `fin` false starts a fragmented message. */
  frame(opcode: number, payload: Buffer, options: { fin?: boolean; mask?: boolean } = {}): void {
    if (this.#closed) return;
    const mask = options.mask ?? true;
    const first = ((options.fin ?? true) ? 0x80 : 0) | (opcode & 0x0f);
    const length = payload.length;
    const header: number[] = [first];
    const maskBit = mask ? 0x80 : 0;
    if (length < 126) header.push(maskBit | length);
    else if (length < 65_536) header.push(maskBit | 126, length >> 8, length & 0xff);
    else {
      header.push(maskBit | 127, 0, 0, 0, 0);
      header.push((length >>> 24) & 0xff, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff);
    }
    const key = mask ? randomBytes(4) : Buffer.alloc(0);
    const body = Buffer.from(payload);
    if (mask)
      for (let index = 0; index < body.length; index += 1)
        body[index] = (body[index] ?? 0) ^ (key[index % 4] ?? 0);
    this.socket.write(Buffer.concat([Buffer.from(header), key, body]));
  }

  text(payload: string | Buffer): void {
    this.frame(0x1, typeof payload === "string" ? Buffer.from(payload, "utf8") : payload);
  }

  /** A close frame with any code, valid or not. */
  closeWith(code: number, reason = ""): void {
    const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
    payload.writeUInt16BE(code & 0xffff, 0);
    payload.write(reason, 2);
    this.frame(0x8, payload);
  }

  /** The text frames the server sent so far. */
  texts(): string[] {
    return this.#frames()
      .filter((frame) => frame.opcode === 0x1)
      .map((frame) => frame.payload.toString("utf8"));
  }

  /** The code of the close frame the server sent, or null while it sent none. */
  closeCode(): number | null {
    const close = this.#frames().find((frame) => frame.opcode === 0x8);
    return close === undefined || close.payload.length < 2 ? null : close.payload.readUInt16BE(0);
  }

  /** The frames the server sent so far (unmasked server frames, no fragmentation: what ws sends). */
  #frames(): Array<{ opcode: number; payload: Buffer }> {
    const frames: Array<{ opcode: number; payload: Buffer }> = [];
    let offset = 0;
    const data = this.#received;
    while (offset + 2 <= data.length) {
      const opcode = (data[offset] ?? 0) & 0x0f;
      let length = (data[offset + 1] ?? 0) & 0x7f;
      let start = offset + 2;
      if (length === 126) {
        length = data.readUInt16BE(start);
        start += 2;
      } else if (length === 127) {
        length = Number(data.readBigUInt64BE(start));
        start += 8;
      }
      if (start + length > data.length) break;
      frames.push({ opcode, payload: data.subarray(start, start + length) });
      offset = start + length;
    }
    return frames;
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Resolves when the server closed the connection, or after `timeoutMs` (false: still open). */
  async waitClosed(timeoutMs = 3_000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([
      this.closedPromise.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    return closed;
  }
}
