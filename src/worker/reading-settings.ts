import type { ReadingSettings } from '../activities/dependencies.ts';
import type { Settings } from '../config/environment.ts';

/** How a worker reads documents, from the environment (see the README's configuration table). */
export function readingSettingsFrom(settings: Settings): ReadingSettings {
  return {
    documentsDir: settings.QUARRY_DOCUMENTS_DIR,
    concurrency: settings.QUARRY_READ_CONCURRENCY,
    ocr: {
      languages: settings.QUARRY_OCR_LANGUAGES,
      workers: settings.QUARRY_OCR_THREADS,
      ...(settings.QUARRY_OCR_DATA_DIR ? { languageDataPath: settings.QUARRY_OCR_DATA_DIR } : {}),
    },
  };
}
