import { crc32, deflateSync } from "node:zlib";

type Rgba = [number, number, number, number];

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A real PNG (8-bit RGBA) drawn by `pixel`, so tests can show and compare a logo. */
export function pngImage(width: number, height: number, pixel: (x: number, y: number) => Rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const rows = Buffer.alloc(height * (1 + width * 4));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) rows.set(pixel(x, y), y * (1 + width * 4) + 1 + x * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/**
 * A wordmark-like logo (a teal disc and three bars) at twice the size it is shown, as an
 * owner would upload it for sharp screens.
 */
export function logoPng(): Buffer {
  return pngImage(192, 64, (x, y) => {
    const inDisc = (x - 32) ** 2 + (y - 32) ** 2 <= 26 ** 2;
    const inBar = x >= 72 && x < 184 && [14, 28, 42].some((top) => y >= top && y < top + 8);
    if (inDisc) return [15, 118, 110, 255];
    if (inBar) return y < 22 ? [15, 23, 42, 255] : [100, 116, 139, 255];
    return [0, 0, 0, 0];
  });
}
