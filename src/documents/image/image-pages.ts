import { createCanvas, ImageData, loadImage, type Image } from '@napi-rs/canvas';
import * as UTIF from 'utif2';
import { CorruptDocumentError, DocumentTooLargeError } from '../document-errors.ts';
import type { DocumentFormat } from '../document-format.ts';

export interface PageImage {
  png: Buffer;
  width: number;
  height: number;
}

/** An image page is capped at this many pixels; a larger one is refused rather than exhausting memory. */
const MAX_IMAGE_PIXELS = 100_000_000;

/**
 * The pages of an uploaded image as PNGs on a white background: one page for PNG and JPEG, one per
 * image of a multi-page TIFF (decoded by utif2). Every image is redrawn, so that OCR, the page
 * viewer and the word boxes all see the same pixels (transparency flattened to white, TIFF's
 * encodings reduced to PNG).
 */
export async function imagePages(content: Uint8Array, format: Extract<DocumentFormat, 'png' | 'jpeg' | 'tiff'>): Promise<PageImage[]> {
  if (format === 'tiff') return tiffPages(content);
  let image: Image;
  try {
    image = await loadImage(Buffer.from(content.buffer, content.byteOffset, content.byteLength));
  } catch (error) {
    throw new CorruptDocumentError(`the ${format.toUpperCase()} image could not be decoded: ${messageOf(error)}`, { cause: error });
  }
  checkSize(image.width, image.height);
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, image.width, image.height);
  context.drawImage(image, 0, 0);
  return [{ png: await canvas.encode('png'), width: image.width, height: image.height }];
}

async function tiffPages(content: Uint8Array): Promise<PageImage[]> {
  const buffer = content.buffer.slice(content.byteOffset, content.byteOffset + content.byteLength) as ArrayBuffer;
  const pages: PageImage[] = [];
  let directories: UTIF.IFD[];
  try {
    directories = UTIF.decode(buffer);
  } catch (error) {
    throw new CorruptDocumentError(`the TIFF image could not be decoded: ${messageOf(error)}`, { cause: error });
  }
  // Bit 0 of NewSubfileType marks a reduced-resolution copy (a thumbnail), not a page.
  const pageDirectories = directories.filter((directory) => (Number((directory.t254 as number[] | undefined)?.[0] ?? 0) & 1) === 0);
  for (const [index, directory] of pageDirectories.entries()) {
    let rgba: Uint8Array;
    try {
      UTIF.decodeImage(buffer, directory);
      rgba = UTIF.toRGBA8(directory);
    } catch (error) {
      throw new CorruptDocumentError(`page ${index + 1} of the TIFF image could not be decoded: ${messageOf(error)}`, { cause: error });
    }
    const { width, height } = directory;
    if (!width || !height || rgba.length < width * height * 4) throw new CorruptDocumentError(`page ${index + 1} of the TIFF image holds no picture`);
    checkSize(width, height);
    const canvas = createCanvas(width, height);
    const context = canvas.getContext('2d');
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, width, height);
    // putImageData would copy transparency as it is; drawing a canvas of the page composes it onto white.
    const layer = createCanvas(width, height);
    layer.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, width * height * 4), width, height), 0, 0);
    context.drawImage(layer, 0, 0);
    pages.push({ png: await canvas.encode('png'), width, height });
  }
  if (pages.length === 0) throw new CorruptDocumentError('the TIFF file holds no image');
  return pages;
}

function checkSize(width: number, height: number): void {
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new DocumentTooLargeError(`the image is ${width}×${height} pixels, over the ${MAX_IMAGE_PIXELS / 1_000_000} megapixel limit`);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
