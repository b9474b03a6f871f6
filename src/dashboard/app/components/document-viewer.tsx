import { useEffect, useState } from 'preact/hooks';
import { ItemDocumentSchema, type DocumentPage, type ItemDocument } from '../../../contract/documents.ts';
import { ACTIVE_STATUSES } from '../../../contract/item-status.ts';
import type { ItemDetail } from '../../../contract/item-detail.ts';
import { apiBlob, describeError } from '../lib/api.ts';
import { count, duration } from '../lib/format.ts';
import { useApi } from '../lib/use-api.ts';

/**
 * The item's document as its run read it: one page at a time, the page image (for PDFs and images)
 * beside the text the models were given, with a page switcher. Until the run has read the document
 * it says so, and refreshes while the run goes.
 */
export function DocumentCard({ item }: { item: ItemDetail }) {
  const { data: document, error } = useApi(`/queue/${item.id}/document`, ItemDocumentSchema, {
    pollMs: 1500,
    poll: (shown) => shown?.status === 'pending' && ACTIVE_STATUSES.includes(item.status),
  });
  const [page, setPage] = useState(1);
  useEffect(() => setPage(1), [item.id]);
  const pages = document?.pages ?? [];
  const shown = pages.find((candidate) => candidate.page === page);

  return (
    <section class="card document-card" aria-labelledby="document-title">
      <div class="card-header">
        <h2 id="document-title">Document</h2>
        {document && <span class="muted small">{describe(document)}</span>}
      </div>
      {error && <p class="muted">{error}</p>}
      {document && pages.length === 0 && <p class="muted">{unread(document)}</p>}
      {pages.length > 0 && <PageSwitcher page={page} pages={pages.length} onPage={setPage} />}
      {document && shown && (
        <div class={document.has_page_images ? 'document-page with-image' : 'document-page'}>
          {document.has_page_images && <PageImage itemId={item.id} page={shown.page} />}
          <div class="document-page-text">
            <p class="muted small">{pageNote(shown)}</p>
            <pre class="document-text" aria-label={`Text of page ${shown.page}`}>
              {shown.text}
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

/** A page image, fetched with the session's token (an <img src> could not send it) and shown from a blob URL. */
function PageImage({ itemId, page }: { itemId: string; page: number }) {
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
  return url ? <img class="document-page-image" src={url} alt={`Page ${page} of the document`} /> : <div class="document-page-image loading" aria-busy="true" />;
}
