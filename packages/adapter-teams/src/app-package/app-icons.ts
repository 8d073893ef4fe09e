import { encodePng, type RgbaImage } from "./png-image.js";

/** Teams' sizes: a full-colour 192×192 icon, and a 32×32 outline, white on transparent. */
export const COLOR_ICON_SIZE = 192;
export const OUTLINE_ICON_SIZE = 32;
/** The colour icon's background, also the manifest's `accentColor`. */
export const ACCENT_COLOR = "#4B3F8F";

type Rgba = readonly [number, number, number, number];
const ACCENT: Rgba = [0x4b, 0x3f, 0x8f, 255];
const GOLD: Rgba = [0xf5, 0xc2, 0x42, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const CLEAR: Rgba = [0, 0, 0, 0];

/**
 * The mark: a lamp's round body with a spout and a four-pointed spark above it (a genie's lamp, drawn
 * with distance tests so any size comes out the same shape). `paint` says what each part is coloured.
 */
function draw(size: number, paint: { background: Rgba; mark: Rgba; spark: Rgba }): RgbaImage {
  const pixels = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      // Unit coordinates, centre at (0.5, 0.5), sampled at the pixel's centre.
      const u = (x + 0.5) / size;
      const v = (y + 0.5) / size;
      const body = (u - 0.45) ** 2 / 0.09 + (v - 0.66) ** 2 / 0.035 <= 1;
      const spout = v > 0.55 && v < 0.68 && u > 0.6 && u < 0.9 && v - 0.55 < (0.9 - u) * 0.6;
      const foot = v >= 0.76 && v <= 0.84 && Math.abs(u - 0.45) < 0.16;
      const spark = Math.abs(u - 0.62) ** 0.5 + Math.abs(v - 0.24) ** 0.5 <= 0.34;
      const colour = spark ? paint.spark : body || spout || foot ? paint.mark : paint.background;
      pixels.set(colour, (y * size + x) * 4);
    }
  return { width: size, height: size, pixels };
}

export function colorIcon(): Buffer {
  return encodePng(draw(COLOR_ICON_SIZE, { background: ACCENT, mark: WHITE, spark: GOLD }));
}

export function outlineIcon(): Buffer {
  return encodePng(draw(OUTLINE_ICON_SIZE, { background: CLEAR, mark: WHITE, spark: WHITE }));
}
