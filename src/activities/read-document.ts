import { ApplicationFailure, Context } from '@temporalio/activity';
import type { DocumentFormat } from '../contract/documents.ts';
import { documentOfItem, getDocument, markDocumentFailed, markDocumentRead, takeReadingLease, type DocumentRow } from '../db/documents.ts';
import { joinPagesIntoItem, storedPageCount, storedPages, storePage, type ReadFigures } from '../db/document-pages.ts';
import { startRun } from '../db/item-runs.ts';
import { DocumentReadError } from '../documents/document-errors.ts';
import { OcrLanguageMissingError } from '../documents/ocr/ocr-engine.ts';
import { assertHasText, readPages } from '../documents/read-document.ts';
import { documentStore } from '../intake/document-store.ts';
import { logger } from '../logger.ts';
import { documentPageReads } from '../observability/metrics.ts';
import type { ReadDocumentResult } from '../workflows/extraction-types.ts';
import { FailureType } from '../workflows/failure-types.ts';
import type { ActivityDependencies } from './dependencies.ts';
import { executionOf } from './workflow-execution.ts';

/**
 * The activity heartbeats at least this often while a page is being read: one OCR page takes seconds,
 * longer while other documents' pages queue for the OCR threads, and the workflow's heartbeat
 * timeout must see a live reader through it.
 */
const HEARTBEAT_EVERY_MS = 5000;
/** A reader's lease on a document, renewed with every heartbeat: lapsed, another run takes the reading over. */
const LEASE_MS = 60_000;
/** How often a run waiting for another's reading looks again. */
const WAIT_FOR_READER_MS = 1000;

/** Reading a run's document: the first activity of every run, on the documents task queue. */
export function createDocumentReading(deps: ActivityDependencies) {
  return {
    /**
     * Marks the item running under this run and reads its uploaded document into pages — text
     * layers laid out, scans and images by OCR — storing each page as it is read, so that a retried
     * attempt (a lost worker, a restart) resumes after the last stored page. A document read before
     * (an earlier run, or the item it was copied from) is not read again. The pages, joined, become
     * the item's `document_text`, which the stages read. A document that cannot be read fails the
     * run at once, with the reason its sender can act on.
     */
    async readDocument(input: { queueItemId: string }): Promise<ReadDocumentResult> {
      return (await readRunDocument(deps, input.queueItemId, { inPlace: false }))!;
    },
  };
}

/** Formats whose reading is a few milliseconds' work (no layout, no OCR), below this size. */
const IN_PLACE_FORMATS: readonly DocumentFormat[] = ['text'];
const IN_PLACE_MAX_BYTES = 1_000_000;

/** Whether a document can be read in place: read before, or a small text that no other run is reading. */
const readableInPlace = (document: DocumentRow) => document.status === 'read' || (IN_PLACE_FORMATS.includes(document.format) && document.size_bytes <= IN_PLACE_MAX_BYTES);

/**
 * Marks the item running under this run and reads its document. With `inPlace` (a local activity,
 * inside a workflow task) it never waits and never heartbeats: a document that needs a reader (a
 * PDF, a scan, a large file, or one another run holds the reading lease of) is left unread and the
 * answer is undefined.
 */
export async function readRunDocument(deps: ActivityDependencies, queueItemId: string, options: { inPlace: boolean }): Promise<ReadDocumentResult | undefined> {
  const { workflowId, runId } = executionOf();
  const document = await documentOfItem(deps.pool, queueItemId);
  if (options.inPlace && document && !readableInPlace(document)) return undefined;
  const claimed = await startRun(deps.pool, queueItemId, { runId, workflowId, simulated: deps.simulated });
  if (!claimed) throw ApplicationFailure.nonRetryable(`queue item ${queueItemId} no longer exists`, FailureType.ItemMissing);
  // Queued before uploads were kept: its text was read at intake, as one page.
  if (!document) return { pages: 1, characters: claimed.characters, ocrPages: 0, ocrMsPerPage: null, readMs: 0, reused: true };

  let reused = document.status === 'read';
  if (!reused && options.inPlace) {
    // Marked running already: the reader the workflow falls back to marks it again, to the same.
    if (!(await takeReadingLease(deps.pool, document.id, runId, LEASE_MS))) return undefined;
    await readAndStore(deps, document, runId);
  } else if (!reused) {
    reused = !(await readOnce(deps, document, runId));
  }
  const figures = await joinPagesIntoItem(deps.pool, queueItemId, document.id);
  if (!figures) throw ApplicationFailure.nonRetryable(`queue item ${queueItemId} no longer exists`, FailureType.ItemMissing);
  const result = summary(figures, reused);
  logger.info({ queueItemId, documentId: document.id, format: document.format, inPlace: options.inPlace, ...result }, 'document read');
  return result;
}

/** A heartbeat, where there is one: a local activity has none (the workflow task it runs in is its liveness). */
function heartbeat(context: Context, details: unknown): void {
  if (!context.info.isLocal) context.heartbeat(details);
}

/**
 * Reads the document, unless another run is reading it (copies of an item for an experiment share
 * their document, and their runs start together): then waits for that reading to finish. A reader
 * holds a lease it renews as it goes; a lapsed one (its worker gone) is taken over, and the reading
 * resumes after the pages already stored. Whether this run read it.
 */
async function readOnce(deps: ActivityDependencies, document: DocumentRow, reader: string): Promise<boolean> {
  const context = Context.current();
  while (!(await takeReadingLease(deps.pool, document.id, reader, LEASE_MS))) {
    const now = await getDocument(deps.pool, document.id);
    if (!now || now.status === 'read') return false;
    context.heartbeat({ waiting: 'another run is reading this document' });
    // Ends early, with the cancellation, when the run is cancelled.
    await context.sleep(WAIT_FOR_READER_MS);
  }
  await readAndStore(deps, document, reader);
  return true;
}

async function readAndStore(deps: ActivityDependencies, document: DocumentRow, reader: string): Promise<void> {
  const context = Context.current();
  const fromPage = (await storedPageCount(deps.pool, document.id)) + 1;
  let progress = { page: fromPage - 1, pages: document.page_count ?? 0 };
  const beating = setInterval(() => {
    heartbeat(context, progress);
    void takeReadingLease(deps.pool, document.id, reader, LEASE_MS).catch(() => undefined);
  }, HEARTBEAT_EVERY_MS);
  try {
    const content = await documentStore(deps.pool, deps.reading.documentsDir).read(document);
    let pageStarted = performance.now();
    const read = await readPages(content, {
      mimeType: document.declared_mime_type ?? document.mime_type,
      filename: document.filename ?? undefined,
      // Intake checked the size against the limit of its day; the limit may have changed since.
      maxBytes: Number.MAX_SAFE_INTEGER,
      ocr: deps.reading.ocr,
      fromPage,
      signal: context.cancellationSignal,
      onPage: async (page, pages) => {
        const readMs = performance.now() - pageStarted;
        await storePage(deps.pool, document.id, page, readMs);
        documentPageReads.observe({ format: document.format, ocr: String(page.ocr) }, readMs / 1000);
        progress = { page: page.page, pages };
        heartbeat(context, progress);
        pageStarted = performance.now();
      },
    });
    assertHasText(await storedPages(deps.pool, document.id));
    await markDocumentRead(deps.pool, document.id, read.pageCount);
  } catch (error) {
    throw await readingFailure(deps, document, error);
  } finally {
    clearInterval(beating);
  }
}

/**
 * What a reading error means for the run. A document that cannot be read (encrypted, corrupt, no
 * text even by OCR) and missing OCR data are final: retrying reads the same bytes the same way.
 * Anything else (the database, the documents directory) is retried by Temporal.
 */
async function readingFailure(deps: ActivityDependencies, document: DocumentRow, error: unknown): Promise<unknown> {
  if (error instanceof DocumentReadError) {
    await markDocumentFailed(deps.pool, document.id, error.message);
    return ApplicationFailure.create({ type: `${FailureType.DocumentUnreadable}.${error.code}`, nonRetryable: true, message: `the document cannot be read: ${error.message}`, cause: error });
  }
  if (error instanceof OcrLanguageMissingError) {
    return ApplicationFailure.create({ type: FailureType.OcrUnavailable, nonRetryable: true, message: `OCR is not available on this worker: ${error.message}`, cause: error });
  }
  return error;
}

function summary(figures: ReadFigures, reused: boolean): ReadDocumentResult {
  return {
    pages: figures.pages,
    characters: figures.characters,
    ocrPages: figures.ocrPages,
    ocrMsPerPage: figures.ocrPages > 0 ? Math.round(figures.ocrMs / figures.ocrPages) : null,
    readMs: Math.round(figures.readMs),
    reused,
  };
}
