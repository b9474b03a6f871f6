import { useEffect, useRef, useState } from 'preact/hooks';
import { ItemDocumentSchema, type DocumentPage, type ItemDocument } from '../../../contract/documents.ts';
import { ACTIVE_STATUSES } from '../../../contract/item-status.ts';
import type { ItemDetail } from '../../../contract/item-detail.ts';
import { apiBlob, describeError } from '../lib/api.ts';
import { count, duration } from '../lib/format.ts';
import { useSourceFocus, type FocusedSource } from '../lib/source-focus.ts';
import { useApi } from '../lib/use-api.ts';

/**
 * The item's document as its run read it: one page at a time, the page image (for PDFs and images)
 * beside the text the models were given, with a page switcher. Until the run has read the document
 * it says so, and refreshes while the run goes. A value shown from the fields (`SourceLink`) turns
 * to its page, boxed on the image and marked in the text.
 */
export function DocumentCard({ item }: { item: ItemDetail }) {
  const { data: document, error } = useApi(`/queue/${item.id}/document`, ItemDocumentSchema, {
    pollMs: 1500,
    poll: (shown) => shown?.status === 'pending' && ACTIVE_STATUSES.includes(item.status),
  });
  const [page, setPage] = useState(1);
  const { focused } = useSourceFocus();
  const card = useRef<HTMLElement>(null);
  useEffect(() => setPage(1), [item.id]);
  useEffect(() => {
    if (!focused) return;
    setPage(focused.source.page);
    card.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }, [focused]);
  const pages = document?.pages ?? [];
  const shown = pages.find((candidate) => candidate.page === page);
  const mark = focused && focused.source.page === page ? focused : undefined;

  return (
    <section ref={card} class="card document-card" aria-labelledby="document-title">
      <div class="card-header">
        <h2 id="document-title">Document</h2>
        {document && <span class="muted small">{describe(document)}</span>}
      </div>
      {error && <p class="muted">{error}</p>}
      {document && pages.length === 0 && <p class="muted">{unread(document)}</p>}
      {pages.length > 0 && <PageSwitcher page={page} pages={pages.length} onPage={setPage} />}
      {document && shown && (
        <div class={document.has_page_images ? 'document-page with-image' : 'document-page'}>
          {document.has_page_images && <PageImage itemId={item.id} page={shown} mark={mark} />}
          <div class="document-page-text">
            <p class="muted small">{pageNote(shown)}</p>
            {mark && <p class="small source-note">{`${mark.key}: ${mark.source.match === 'fuzzy' ? 'found approximately' : 'found'} on page ${mark.source.page}`}</p>}
            <pre class="document-text" aria-label={`Text of page ${shown.page}`}>
              {mark ? <MarkedText text={shown.text} mark={mark} /> : shown.text}
            </pre>
          </div>
        </div>
      )}
    </section>
  );
}

function describe(document: ItemDocument): string {
  const pages = document.page_count === null ? '' : ` · ${count(document.page_count)} page${document.page_count === 1 ? '' : 's'}`;
  const ocr = document.pages.filter((page) => page.ocr).length;
  return `${document.mime_type} · ${count(document.size_bytes)} bytes${pages}${ocr ? ` · ${ocr} read by OCR` : ''}`;
}

function unread(document: ItemDocument): string {
  if (document.status === 'failed') return 'The document could not be read: the run’s error says why.';
  return 'Not read yet: the document is read when its run starts.';
}

function pageNote(page: DocumentPage): string {
  const source = page.ocr ? `read by OCR${page.confidence === null ? '' : `, confidence ${Math.round(page.confidence)}`}` : 'text as written in the document';
  return `Page ${page.page}: ${source}${page.read_ms === null ? '' : ` · read in ${duration(page.read_ms)}`}`;
}

function PageSwitcher({ page, pages, onPage }: { page: number; pages: number; onPage: (page: number) => void }) {
  return (
    <nav class="row page-switcher" aria-label="Pages">
      <button type="button" class="button-secondary" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        ‹ Previous
      </button>
      <label class="row">
        <span>Page</span>
        <select value={page} onChange={(event) => onPage(Number(event.currentTarget.value))} aria-label="Page">
          {Array.from({ length: pages }, (_, index) => (
            <option key={index + 1} value={index + 1}>
              {index + 1}
            </option>
          ))}
        </select>
        <span>of {pages}</span>
      </label>
      <button type="button" class="button-secondary" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        Next ›
      </button>
    </nav>
  );
}

/** The page's text with the value's span marked, scrolled into view. */
function MarkedText({ text, mark }: { text: string; mark: FocusedSource }) {
  const marked = useRef<HTMLElement>(null);
  useEffect(() => marked.current?.scrollIntoView({ block: 'nearest', inline: 'nearest' }), [mark]);
  return (
    <>
      {text.slice(0, mark.source.start)}
      <mark ref={marked} class="source-mark" data-source={mark.key}>
        {text.slice(mark.source.start, mark.source.end)}
      </mark>
      {text.slice(mark.source.end)}
    </>
  );
}

/** The value's box on the page image, placed in the page's own units (points or pixels) as shares of its size. */
function SourceBox({ page, mark }: { page: DocumentPage; mark: FocusedSource }) {
  const box = mark.source.bbox;
  if (!box || !page.width || !page.height) return null;
  const [left, top, right, bottom] = box;
  const share = (value: number, of: number) => `${Math.max(0, Math.min(100, (value / of) * 100))}%`;
  const style = { left: share(left, page.width), top: share(top, page.height), width: share(right - left, page.width), height: share(bottom - top, page.height) };
  return <div class="source-box" style={style} data-source={mark.key} aria-label={`${mark.key} on the page`} role="img" />;
}

/** A page image, fetched with the session's token (an <img src> could not send it) and shown from a blob URL. */
function PageImage({ itemId, page: shown, mark }: { itemId: string; page: DocumentPage; mark: FocusedSource | undefined }) {
  const page = shown.page;
  const [url, setUrl] = useState<string>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    const controller = new AbortController();
    let objectUrl: string | undefined;
    setUrl(undefined);
    setError(undefined);
    apiBlob(`/queue/${itemId}/document/pages/${page}.png`, controller.signal).then(
      (blob) => {
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      },
      (failure: unknown) => {
        if (!controller.signal.aborted) setError(describeError(failure));
      },
    );
    return () => {
      controller.abort();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [itemId, page]);
  if (error) return <p class="muted small document-page-image">{error}</p>;
  if (!url) return <div class="document-page-image loading" aria-busy="true" />;
  return (
    <div class="document-page-figure">
      <img class="document-page-image" src={url} alt={`Page ${page} of the document`} />
      {mark && <SourceBox page={shown} mark={mark} />}
    </div>
  );
}
