import { createHash } from 'node:crypto';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { NoTextError } from '../../documents/document-errors.ts';
import { readDocument } from '../../documents/read-document.ts';

/**
 * How a simulated vision model sees the images of a request: it reads them by OCR on this machine
 * (the same tesseract.js reading as Quarry's own), so a run that sends page images instead of text
 * is answered from what the images show. Each wire decodes its own image parts into these.
 */

/** The image types every provider's vision input takes (Gemini takes HEIC too; nothing sends it). */
export const IMAGE_MEDIA_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export type ImageMediaType = (typeof IMAGE_MEDIA_TYPES)[number];

export interface SimulatedImage {
  mediaType: string;
  data: Buffer;
}

/** What the simulated model read in the images: their text, and their sizes for the token count. */
export interface SeenImages {
  text: string;
  sizes: Array<{ width: number; height: number }>;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes one image part's base64, or says why the provider would refuse it. */
export function decodeImage(mediaType: string, base64: string): SimulatedImage | string {
  if (!(IMAGE_MEDIA_TYPES as readonly string[]).includes(mediaType)) return `unsupported image type ${mediaType}; supported: ${IMAGE_MEDIA_TYPES.join(', ')}`;
  if (base64.length % 4 !== 0 || !BASE64.test(base64)) return 'the image data is not valid base64';
  return { mediaType, data: Buffer.from(base64, 'base64') };
}

/** A data URL as OpenAI's `image_url.url` carries it; the simulator has no network to fetch any other. */
export function decodeDataUrl(url: string): SimulatedImage | string {
  const match = /^data:([a-z]+\/[a-z0-9.+-]+);base64,(.*)$/s.exec(url);
  if (!match) return 'the simulator takes images as base64 data URLs only (it has no network to fetch a URL)';
  return decodeImage(match[1]!, match[2]!);
}

// Recent readings by content: the stages of a run send the same pages again and again.
const seen = new Map<string, Promise<{ text: string; width: number; height: number }>>();
const SEEN_CAPACITY = 200;

/** Reads every image by OCR, in order; an image that cannot be decoded is the request's fault (400). */
export async function seeImages(images: readonly SimulatedImage[]): Promise<SeenImages> {
  const read = await Promise.all(images.map(readImage));
  return { text: read.map((image) => image.text).join('\n\n'), sizes: read.map(({ width, height }) => ({ width, height })) };
}

function readImage(image: SimulatedImage): Promise<{ text: string; width: number; height: number }> {
  const key = createHash('sha256').update(image.data).digest('hex');
  let reading = seen.get(key);
  if (!reading) {
    reading = readImageOnce(image).catch((error: unknown) => {
      seen.delete(key);
      throw error;
    });
    seen.set(key, reading);
    if (seen.size > SEEN_CAPACITY) seen.delete(seen.keys().next().value!);
  }
  return reading;
}

async function readImageOnce(image: SimulatedImage): Promise<{ text: string; width: number; height: number }> {
  let png: Buffer;
  let width: number;
  let height: number;
  try {
    // Redrawn as PNG, so that GIF and WebP (which the providers take and Quarry's reader does not) are read too.
    const decoded = await loadImage(image.data);
    ({ width, height } = decoded);
    const canvas = createCanvas(width, height);
    canvas.getContext('2d').drawImage(decoded, 0, 0);
    png = await canvas.encode('png');
  } catch (error) {
    throw new UnreadableImageError(`an image could not be decoded: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    const { pages } = await readDocument(png, { mimeType: 'image/png' });
    return { text: pages.map((page) => page.text).join('\n\n'), width, height };
  } catch (error) {
    // An image with nothing legible on it is still an image: the model sees no text in it.
    if (error instanceof NoTextError) return { text: '', width, height };
    throw error;
  }
}

/** The request carried an image the provider would refuse to decode. */
export class UnreadableImageError extends Error {
  override name = 'UnreadableImageError';
}
