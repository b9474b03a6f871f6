-- Up Migration

-- Every upload as it came, stored at intake before anything reads it: the HTTP request only checks
-- what the bytes are (format from their signature and the declared type) and keeps them; the
-- item's run reads them. Experiment copies of an item share its document, so it is read once.
CREATE TABLE documents (
  id                 UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  -- pdf, png, jpeg, tiff, html, text or docx, detected from the content at intake.
  format             TEXT NOT NULL,
  -- The type the document is served as (from its format), and the type the client declared.
  mime_type          TEXT NOT NULL,
  declared_mime_type TEXT,
  filename           TEXT,
  size_bytes         BIGINT NOT NULL,
  -- Hex SHA-256 of the bytes: their identity in a documents directory, and a check on reading them back.
  sha256             TEXT NOT NULL,
  -- The bytes, when stored in PostgreSQL (the default); NULL when kept in QUARRY_DOCUMENTS_DIR.
  content            BYTEA,
  storage            TEXT NOT NULL CHECK (storage IN ('database', 'directory')),
  -- pending until a run reads every page; failed when it cannot be read (error says why).
  status             TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'read', 'failed')),
  page_count         INTEGER,
  error              TEXT,
  read_at            TIMESTAMPTZ,
  -- The run reading it now, until when: items copied for an experiment share the document, and
  -- their runs start together; one reads while the others wait for its pages.
  reader             TEXT,
  reader_until       TIMESTAMPTZ,
  created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK ((storage = 'database') = (content IS NOT NULL))
);

-- Items queued before durable intake have none: their text was read at intake into document_text.
ALTER TABLE ai_extraction_queue ADD COLUMN document_id UUID REFERENCES documents (id);
-- Filled by the run's reading (the pages joined), so the stages that read the text keep working.
ALTER TABLE ai_extraction_queue ALTER COLUMN document_text SET DEFAULT '';

-- Each page as reading left it, stored as it is read: a retried reading resumes after the last one.
CREATE TABLE document_pages (
  document_id UUID NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  page        INTEGER NOT NULL CHECK (page > 0),
  -- Reading order, columns one after another, table rows kept on their lines.
  text        TEXT NOT NULL,
  ocr         BOOLEAN NOT NULL,
  -- PDF points for PDF pages, pixels for images; NULL for formats without drawn pages.
  width       REAL,
  height      REAL,
  -- OCR's mean word confidence, 0-100; NULL for pages not read by OCR.
  confidence  REAL,
  -- Word boxes, compact: [[start, end, left, top, right, bottom, confidence or null], ...], offsets
  -- into text and boxes in the page's units. What locating a value on its page needs.
  words       JSONB NOT NULL,
  -- How long reading the page took, OCR included.
  read_ms     INTEGER,
  PRIMARY KEY (document_id, page)
);

-- Page images for the viewer and for vision models, drawn once from the upload on first use.
CREATE TABLE document_page_images (
  document_id UUID NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  page        INTEGER NOT NULL CHECK (page > 0),
  png         BYTEA NOT NULL,
  width       INTEGER NOT NULL,
  height      INTEGER NOT NULL,
  PRIMARY KEY (document_id, page)
);

-- Down Migration

DROP TABLE IF EXISTS document_page_images;
DROP TABLE IF EXISTS document_pages;
ALTER TABLE ai_extraction_queue ALTER COLUMN document_text DROP DEFAULT;
ALTER TABLE ai_extraction_queue DROP COLUMN IF EXISTS document_id;
DROP TABLE IF EXISTS documents;
