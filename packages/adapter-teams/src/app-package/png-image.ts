import { crc32, deflateSync } from "node:zlib";

/** An RGBA picture, row after row, 4 bytes a pixel. */
export interface RgbaImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/**
 * Encodes a PNG (8-bit RGBA, no interlace, filter 0 on every row). The two icons of the Teams app are
 * drawn by code (app-icons.ts) so the package needs no binary files in the repository and no image
 * library: a PNG is a signature and three chunks, each with its CRC (node:zlib has deflate and crc32).
 */
export function encodePng(image: RgbaImage): Buffer {
  const { width, height, pixels } = image;
  if (pixels.length !== width * height * 4)
    throw new Error(
      `a ${width}×${height} RGBA image needs ${width * height * 4} bytes, got ${pixels.length}`,
    );
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 6; // colour type: RGBA
  // compression, filter and interlace methods: 0
  const raw = Buffer.alloc(height * (width * 4 + 1));
  for (let row = 0; row < height; row++)
    Buffer.from(pixels.buffer, pixels.byteOffset + row * width * 4, width * 4).copy(
      raw,
      row * (width * 4 + 1) + 1,
    );
  return Buffer.concat([
    SIGNATURE,
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length, 0);
  const typed = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const check = Buffer.alloc(4);
  check.writeUInt32BE(crc32(typed) >>> 0, 0);
  return Buffer.concat([length, typed, check]);
}

/** What a PNG's header says: its size and colour type (for tests and the package check). */
export function pngHeaderOf(file: Uint8Array): { width: number; height: number; colourType: number } | null {
  const buffer = Buffer.from(file);
  if (buffer.length < 33 || !buffer.subarray(0, 8).equals(SIGNATURE)) return null;
  if (buffer.subarray(12, 16).toString("ascii") !== "IHDR") return null;
  return { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20), colourType: buffer[25] ?? -1 };
}
