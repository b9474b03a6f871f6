import type { ValueSourceView } from '../contract/item-detail.ts';
import { storedPagesWithWords } from '../db/document-pages.ts';
import { itemDocument } from '../db/item-runs.ts';
import type { Pool, PoolClient } from '../db/pool.ts';
import type { DocumentPage } from '../documents/document-page.ts';
import { SourceIndex } from '../documents/source/source-index.ts';

/** A value not found in the document keeps this share of its confidence: a model may have made it up. */
export const NOT_FOUND_CONFIDENCE_FACTOR = 0.5;

export interface ValueSources {
  /**
   * Where `value` is written in the document (preferring `pages`, the chunk it was read from); null
   * for a value never written as such (a boolean, null, an empty string).
   */
  locate(value: unknown, pages?: readonly [number, number]): ValueSourceView | null;
  /** The run's review policy sends an item with a value not found to review. */
  reviewWhenNotFound: boolean;
}

/**
 * Locates values in the item's stored pages, with their word boxes — computed by Quarry from the
 * document, never taken from a model. An item queued before uploads were kept is one page of its
 * text, without boxes.
 */
export async function valueSources(client: Pool | PoolClient, queueItemId: string): Promise<ValueSources> {
  const item = await itemDocument(client, queueItemId);
  const stored = item?.documentId ? await storedPagesWithWords(client, item.documentId) : [];
  const pages: DocumentPage[] = stored.length > 0 ? stored : [{ page: 1, text: item?.text ?? '', ocr: false, width: null, height: null, words: [] }];
  const index = new SourceIndex(pages);
  return {
    reviewWhenNotFound: item?.reviewWhenNotFound ?? false,
    locate(value, range) {
      const found = index.locate(value, range ? { pages: { from: range[0], to: range[1] } } : {});
      if (!found) return null;
      return { page: found.page, start: found.start, end: found.end, ...('bbox' in found && found.bbox ? { bbox: found.bbox } : {}), match: found.match };
    },
  };
}
