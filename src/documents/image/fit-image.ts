import { createCanvas, loadImage } from '@napi-rs/canvas';

/**
 * A PNG scaled down so that its long edge is at most `maxEdge` pixels (unchanged when it already
 * is): what a vision model is sent, since providers scale larger images down themselves and bill
 * the transfer of the rest for nothing.
 */
export async function fitImage(png: Buffer, maxEdge: number): Promise<{ png: Buffer; width: number; height: number }> {
  const image = await loadImage(png);
  const scale = Math.min(1, maxEdge / Math.max(image.width, image.height));
  if (scale === 1) return { png, width: image.width, height: image.height };
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const canvas = createCanvas(width, height);
  canvas.getContext('2d').drawImage(image, 0, 0, width, height);
  return { png: await canvas.encode('png'), width, height };
}
