import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createScheduler, createWorker, OEM, PSM, type RecognizeOptions, type Scheduler } from 'tesseract.js';

export interface OcrOptions {
  /** Tesseract language codes, e.g. `['eng', 'deu']`. Default `['eng']`. */
  languages?: readonly string[];
  /**
   * A directory holding `<code>.traineddata` or `<code>.traineddata.gz` for every language. When
   * unset, each language comes from the npm package `@tesseract.js-data/<code>`, which must be
   * installed: OCR never downloads anything.
   */
  languageDataPath?: string;
  /** Tesseract workers (threads) in the process; each takes one page at a time. Default 1. */
  workers?: number;
  /** Workers end after this long without a page, so an idle process holds no OCR memory. Default 60 s. */
  idleMs?: number;
}

/** One recognised word, in the pixels of the image it was read from. */
export interface OcrWord {
  text: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
  /** The word's text line, whose height measures the type size. */
  lineTop: number;
  lineBottom: number;
  confidence: number;
}

export interface OcrResult {
  words: OcrWord[];
  /** Tesseract's mean confidence for the image, 0–100. */
  confidence: number;
}

/**
 * Tesseract (tesseract.js, WebAssembly) on a bounded set of worker threads. Pages queue for the
 * next free worker, so however many activities ask at once, at most `workers` pages are read in
 * parallel. Workers start on the first page and end after `idleMs` without one.
 */
export class OcrEngine {
  private scheduler: Promise<Scheduler> | undefined;
  private running = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly languages: readonly string[];
  private readonly workers: number;
  private readonly idleMs: number;

  constructor(private readonly options: OcrOptions = {}) {
    this.languages = options.languages?.length ? options.languages : ['eng'];
    this.workers = Math.max(1, options.workers ?? 1);
    this.idleMs = options.idleMs ?? 60_000;
  }

  /** Reads the words of a PNG or JPEG image; `dpi` helps Tesseract size the text when known. */
  async recognize(image: Buffer, dpi?: number): Promise<OcrResult> {
    clearTimeout(this.idleTimer);
    this.running += 1;
    try {
      const scheduler = await this.start();
      const params = {
        // Sparse text: every piece of text wherever it stands, in no particular order — the layout
        // orders words itself. On five ExtractBench pages at 300 DPI it read 98–100 % of the text
        // layer's words where automatic segmentation read 94–100 %, and it kept a grey date line of
        // a résumé that automatic segmentation dropped.
        tessedit_pageseg_mode: PSM.SPARSE_TEXT,
        // Tesseract prints notes ("Estimating resolution as 279") to stdout unless given a debug file.
        debug_file: '/dev/null',
        ...(dpi ? { user_defined_dpi: String(Math.round(dpi)) } : {}),
      };
      // tesseract.js 7 hands every option it does not know itself to Tesseract as a parameter for
      // this job alone (worker-script `recognize`), which its typings do not declare.
      const options = params as unknown as Partial<RecognizeOptions>;
      const result = await scheduler.addJob('recognize', image, options, { blocks: true, text: false });
      return { words: wordsOf(result.data.blocks ?? []), confidence: result.data.confidence };
    } catch (error) {
      // A worker that failed may be in any state; the next page starts fresh ones.
      await this.close();
      throw error;
    } finally {
      this.running -= 1;
      if (this.running === 0 && this.scheduler) {
        this.idleTimer = setTimeout(() => void this.close(), this.idleMs);
        this.idleTimer.unref();
      }
    }
  }

  /** Ends the worker threads; the next `recognize` starts them again. */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    const scheduler = this.scheduler;
    this.scheduler = undefined;
    if (scheduler) await (await scheduler.catch(() => undefined))?.terminate();
  }

  private start(): Promise<Scheduler> {
    this.scheduler ??= (async () => {
      const { langPath, gzip } = languageData(this.languages, this.options.languageDataPath);
      const scheduler = createScheduler();
      const workers = await Promise.all(
        Array.from({ length: this.workers }, () =>
          // cacheMethod 'none': tesseract.js would otherwise write a copy of the data into the working directory.
          createWorker([...this.languages], OEM.LSTM_ONLY, { langPath, gzip, cacheMethod: 'none' }),
        ),
      );
      for (const worker of workers) scheduler.addWorker(worker);
      return scheduler;
    })();
    this.scheduler.catch(() => (this.scheduler = undefined));
    return this.scheduler;
  }
}

/** The language named has no data on this machine: the operator must install it. */
export class OcrLanguageMissingError extends Error {
  override name = 'OcrLanguageMissingError';
}

const requireFromHere = createRequire(import.meta.url);
let linkedDataDirectory: string | undefined;

/**
 * Where Tesseract finds its data. tesseract.js reads all languages from one directory, while each
 * npm data package has its own; for several packaged languages, a temporary directory of links to
 * their files serves as that one directory.
 */
function languageData(languages: readonly string[], directory: string | undefined): { langPath: string; gzip: boolean } {
  if (directory) {
    const gzip = languages.every((code) => existsSync(path.join(directory, `${code}.traineddata.gz`)));
    const missing = languages.filter((code) => !existsSync(path.join(directory, `${code}.traineddata${gzip ? '.gz' : ''}`)));
    if (missing.length > 0) throw new OcrLanguageMissingError(`no OCR data for ${missing.join(', ')} in ${directory}`);
    return { langPath: directory, gzip };
  }
  const files = languages.map((code) => {
    try {
      // The best_int models are the LSTM-only data tesseract.js itself uses by default.
      return path.join(path.dirname(requireFromHere.resolve(`@tesseract.js-data/${code}/package.json`)), '4.0.0_best_int', `${code}.traineddata.gz`);
    } catch {
      throw new OcrLanguageMissingError(`no OCR data for "${code}": install the npm package @tesseract.js-data/${code}, or set a language data directory`);
    }
  });
  if (files.length === 1) return { langPath: path.dirname(files[0]!), gzip: true };
  if (!linkedDataDirectory) {
    linkedDataDirectory = mkdtempSync(path.join(os.tmpdir(), 'quarry-ocr-'));
    process.once('exit', () => rmSync(linkedDataDirectory!, { recursive: true, force: true }));
  }
  for (const file of files) {
    const link = path.join(linkedDataDirectory, path.basename(file));
    if (!existsSync(link)) symlinkSync(file, link);
  }
  return { langPath: linkedDataDirectory, gzip: true };
}

interface TesseractBlock {
  paragraphs: { lines: { bbox: { y0: number; y1: number }; words: { text: string; confidence: number; bbox: { x0: number; y0: number; x1: number; y1: number } }[] }[] }[];
}

function wordsOf(blocks: readonly TesseractBlock[]): OcrWord[] {
  const words: OcrWord[] = [];
  for (const block of blocks) {
    for (const paragraph of block.paragraphs) {
      for (const line of paragraph.lines) {
        for (const word of line.words) {
          const text = word.text.trim();
          if (text.length === 0) continue;
          const { x0, y0, x1, y1 } = word.bbox;
          words.push({ text, left: x0, top: y0, right: x1, bottom: y1, lineTop: line.bbox.y0, lineBottom: line.bbox.y1, confidence: word.confidence });
        }
      }
    }
  }
  return words;
}

const shared = new Map<string, OcrEngine>();

/**
 * The process's OCR engine for these options: one per process (per distinct option set), so the
 * workflow's many activity calls share warm workers instead of each starting its own.
 */
export function sharedOcrEngine(options: OcrOptions = {}): OcrEngine {
  const key = JSON.stringify([options.languages ?? ['eng'], options.languageDataPath ?? null, options.workers ?? 1, options.idleMs ?? null]);
  let engine = shared.get(key);
  if (!engine) {
    engine = new OcrEngine(options);
    shared.set(key, engine);
  }
  return engine;
}

/** Ends every shared engine's workers (at shutdown, or at the end of a test file). */
export async function closeSharedOcrEngines(): Promise<void> {
  await Promise.all([...shared.values()].map((engine) => engine.close()));
}
