import type { CatalogModel } from './catalog-model.ts';

/**
 * Input tokens one image costs, by each provider's published rule, for the estimates made before a
 * call (the context-window check and the budget); the provider's own count is what the ledger keeps.
 * - OpenAI (`detail: high`): the image is fitted within 2048×2048, then its short side to 768; it
 *   costs 85 tokens plus 170 per 512-pixel tile. (The mini and nano models count 32-pixel patches
 *   instead, with a multiplier; the tile count is the estimate for every OpenAI-wire model.)
 * - Anthropic: an image whose long edge is over 1568 pixels is scaled down; it costs width × height
 *   / 750 tokens, about 1,600 at most.
 * - Gemini 3: an image costs 1,120 tokens at the default (high) media resolution.
 */
export function imageTokens(model: Pick<CatalogModel, 'wire'>, image: { width: number; height: number }): number {
  const { width, height } = image;
  if (model.wire === 'anthropic') {
    const scale = Math.min(1, 1568 / Math.max(width, height));
    return Math.min(1600, Math.ceil((width * scale * height * scale) / 750));
  }
  if (model.wire === 'gemini') return 1120;
  let scale = Math.min(1, 2048 / Math.max(width, height));
  scale *= Math.min(1, 768 / (Math.min(width, height) * scale));
  const tiles = Math.ceil((width * scale) / 512) * Math.ceil((height * scale) / 512);
  return 85 + 170 * tiles;
}

/** The long edge a page image is fitted to before it is sent: Anthropic's largest unscaled size, within OpenAI's and Gemini's. */
export const VISION_MAX_EDGE = 1568;
