import { DRAWN_FORMATS } from '../contract/documents.ts';
import { MAX_IMAGE_PAGES } from '../contract/model-config.ts';
import type { ItemForStage } from '../db/item-runs.ts';
import { getDocument } from '../db/documents.ts';
import { fitImage } from '../documents/image/fit-image.ts';
import { pageImageOf } from '../intake/page-images.ts';
import { VISION_MAX_EDGE } from '../providers/image-tokens.ts';
import type { PromptImage } from '../providers/types.ts';
import type { ActivityDependencies } from './dependencies.ts';

/** What a stage gives one model of the document: the text for the prompt, and page images. */
export interface DocumentForModel {
  document: string;
  images: PromptImage[];
}

/**
 * The document as the run's configuration sends it to `modelId` (`document_input`): the text read
 * from it; or, for a model that takes images, its page images instead of the text (`image`) or
 * beside it (`both`). The text is used whatever the setting when the model takes no images, when the
 * document has no drawn pages (text, HTML, DOCX) or when it has more than MAX_IMAGE_PAGES pages.
 * Images are fitted to the size providers read unscaled.
 */
export async function documentForModel(deps: ActivityDependencies, item: ItemForStage, modelId: string): Promise<DocumentForModel> {
  const asText = { document: item.text, images: [] };
  if (item.documentInput === 'text' || !item.documentId || !deps.catalog.get(modelId)?.image_input) return asText;
  const stored = await getDocument(deps.pool, item.documentId);
  if (!stored || !DRAWN_FORMATS.includes(stored.format) || stored.page_count === null || stored.page_count > MAX_IMAGE_PAGES) return asText;
  const images: PromptImage[] = [];
  for (let page = 1; page <= stored.page_count; page += 1) {
    const image = await pageImageOf(deps.pool, deps.reading.documentsDir, stored, page);
    if (!image) return asText;
    const fitted = await fitImage(image.png, VISION_MAX_EDGE);
    images.push({ mimeType: 'image/png', data: fitted.png, width: fitted.width, height: fitted.height });
  }
  return { document: item.documentInput === 'both' ? item.text : imagesOnly(images.length), images };
}

/** What the prompt's document section says when the pages go as images alone. */
function imagesOnly(pages: number): string {
  return `The document is not given as text here: its ${pages === 1 ? 'page follows' : `${pages} pages follow`} this message as ${pages === 1 ? 'an image' : 'images, in page order'}. Read every value from ${pages === 1 ? 'it' : 'them'}.`;
}
