import { z } from 'zod';

/*
 * Documents as clients see them: the formats intake accepts (the dashboard's file picker offers the
 * same list), and `GET /queue/{id}/document` — the stored upload and the pages its run read.
 */

/** The forms Quarry reads, with the MIME type each is stored and served as. */
export const DOCUMENT_FORMATS = {
  pdf: { mimeType: 'application/pdf', label: 'PDF', extensions: ['pdf'] },
  png: { mimeType: 'image/png', label: 'PNG', extensions: ['png'] },
  jpeg: { mimeType: 'image/jpeg', label: 'JPEG', extensions: ['jpg', 'jpeg'] },
  tiff: { mimeType: 'image/tiff', label: 'TIFF', extensions: ['tif', 'tiff'] },
  html: { mimeType: 'text/html', label: 'HTML', extensions: ['htm', 'html'] },
  text: { mimeType: 'text/plain', label: 'plain text', extensions: ['txt', 'md', 'csv'] },
  docx: { mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', label: 'DOCX', extensions: ['docx'] },
} as const;

export type DocumentFormat = keyof typeof DOCUMENT_FORMATS;
export const DOCUMENT_FORMAT_NAMES = Object.keys(DOCUMENT_FORMATS) as DocumentFormat[];
export const ACCEPTED_MIME_TYPES: readonly string[] = Object.values(DOCUMENT_FORMATS).map((format) => format.mimeType);
/** Every accepted file name ending, with its dot: what a file picker's `accept` lists beside the MIME types. */
export const ACCEPTED_EXTENSIONS: readonly string[] = Object.values(DOCUMENT_FORMATS).flatMap((format) => format.extensions.map((extension) => `.${extension}`));

/** Formats whose pages are drawn (a PDF page, an image): they have a size and an image at `/pages/{n}.png`. */
export const DRAWN_FORMATS: readonly DocumentFormat[] = ['pdf', 'png', 'jpeg', 'tiff'];

/**
 * Where a document's reading stands: `pending` until its first run reads it, `read` once every
 * page is stored, `failed` when it cannot be read (the run's error says why).
 */
export const DOCUMENT_STATUSES = ['pending', 'read', 'failed'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

export const DocumentPageSchema = z
  .object({
    /** 1-based. */
    page: z.number().int().positive(),
    /** The page in reading order: columns one after another, table rows on their lines. */
    text: z.string(),
    /** Read by OCR from the page's image, not from a text layer or a text format. */
    ocr: z.boolean(),
    /** In PDF points for PDF pages, pixels for images; null for text, HTML and DOCX, which have no drawn page. */
    width: z.number().nullable(),
    height: z.number().nullable(),
    /** OCR's mean word confidence, 0–100; null unless `ocr`. */
    confidence: z.number().nullable(),
    /** How long reading the page took (for an OCR page, mostly OCR). */
    read_ms: z.number().nullable(),
  })
  .meta({ id: 'DocumentPage' });
export type DocumentPage = z.infer<typeof DocumentPageSchema>;

export const ItemDocumentSchema = z
  .object({
    /** As detected from the content at intake (a PDF sent as application/octet-stream is application/pdf). */
    mime_type: z.string(),
    format: z.enum(DOCUMENT_FORMAT_NAMES as [DocumentFormat, ...DocumentFormat[]]),
    filename: z.string().nullable(),
    size_bytes: z.number().int(),
    /** Hex SHA-256 of the bytes as uploaded; null for an item queued before uploads were kept. */
    sha256: z.string().nullable(),
    status: z.enum(DOCUMENT_STATUSES),
    /** The page count once read. */
    page_count: z.number().int().nullable(),
    /** Whether `GET /queue/{id}/document/pages/{n}.png` has images of the pages. */
    has_page_images: z.boolean(),
    pages: z.array(DocumentPageSchema),
  })
  .meta({ id: 'ItemDocument' });
export type ItemDocument = z.infer<typeof ItemDocumentSchema>;

export const PageImageParams = z.object({
  id: z.uuid(),
  page: z.coerce.number().int().positive().max(100_000),
});
