import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CorruptDocumentError, NoTextError } from '../../../src/documents/document-errors.ts';
import { readDocument } from '../../../src/documents/read-document.ts';

const encode = (text: string) => new TextEncoder().encode(text);
const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../../fixtures/documents/${name}`, import.meta.url)));

describe('reading text, HTML and DOCX', () => {
  it('reads plain text as written, one page per form feed, with no drawn page', async () => {
    const document = await readDocument(encode('Invoice 42\r\nTotal: 10.00\fSecond page'), { mimeType: 'text/plain' });
    expect(document).toEqual({
      format: 'text',
      mimeType: 'text/plain',
      pages: [
        { page: 1, text: 'Invoice 42\nTotal: 10.00', ocr: false, width: null, height: null, words: [] },
        { page: 2, text: 'Second page', ocr: false, width: null, height: null, words: [] },
      ],
    });
  });

  it('reads Windows-1252 text that is not UTF-8', async () => {
    const document = await readDocument(Uint8Array.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x80, 0x35]));
    expect(document.pages[0]!.text).toBe('Café €5');
  });

  it('reads HTML as a reader sees it, a table row on one line', async () => {
    const html = `<!doctype html><html><head><style>p{color:red}</style><script>alert(1)</script></head><body>
      <h1>Invoice INV-77</h1><p>Issued to <a href="https://example.com">Contoso</a>.</p>
      <table><tr><th>Description</th><th>Qty</th><th>Amount</th></tr><tr><td>Widget assembly</td><td>2</td><td>1,234.50</td></tr></table>
      </body></html>`;
    const text = (await readDocument(encode(html))).pages[0]!.text;
    expect(text).toContain('Issued to Contoso.');
    expect(text).not.toMatch(/alert|color:red|example\.com/);
    expect(text.split('\n')).toContainEqual(expect.stringMatching(/^Widget assembly {3,}2 {3,}1,234\.50$/));
  });

  it('reads a DOCX through mammoth, its table row on one line', async () => {
    const document = await readDocument(fixture('invoice.docx'), { filename: 'invoice.docx' });
    expect(document.format).toBe('docx');
    const text = document.pages[0]!.text;
    expect(text).toContain('Issued March 4, 2026 to Northwind Traders.');
    expect(text.split('\n')).toContainEqual(expect.stringMatching(/^Widget assembly {3,}2 {3,}1,234\.50$/));
    expect(text).toContain('Total due: 1,314.50');
  });

  it('calls a damaged DOCX corrupt and a blank text document empty', async () => {
    const docx = fixture('invoice.docx');
    await expect(readDocument(docx.subarray(0, 2000))).rejects.toThrow(CorruptDocumentError);
    await expect(readDocument(encode(' \n\t\n'))).rejects.toThrow(NoTextError);
  });
});
