import type { CatalogEntry } from '../../../contract/catalog.ts';
import { DEFAULT_DOCUMENT_INPUT, MAX_IMAGE_PAGES, type DocumentInput, type ModelConfig } from '../../../contract/model-config.ts';
import { modelIdsOf } from '../../../contract/model-config.ts';

const CHOICES: Record<DocumentInput, string> = {
  text: 'Text (scans and images read by OCR)',
  image: 'Page images instead of the text',
  both: 'Page images beside the text',
};

interface Props {
  config: ModelConfig;
  models: readonly CatalogEntry[];
  onChange: (config: ModelConfig) => void;
}

/**
 * How the document reaches the models: its text, or its page images for the models that take them.
 * Names the configuration's models that take no images, which get the text whatever is chosen.
 */
export function DocumentInputField({ config, models, onChange }: Props) {
  const value = config.document_input ?? DEFAULT_DOCUMENT_INPUT;
  const textOnly = [...new Set(modelIdsOf(config))].filter((id) => models.find((model) => model.id === id)?.image_input === false);
  return (
    <label class="field">
      <span>Document sent to the models</span>
      <select
        name="document-input"
        value={value}
        onChange={(event) => {
          const { document_input: _previous, ...rest } = config;
          const chosen = event.currentTarget.value as DocumentInput;
          onChange(chosen === DEFAULT_DOCUMENT_INPUT ? rest : { ...rest, document_input: chosen });
        }}
      >
        {(Object.keys(CHOICES) as DocumentInput[]).map((choice) => (
          <option key={choice} value={choice}>
            {CHOICES[choice]}
          </option>
        ))}
      </select>
      <span class="muted small">
        Images go to vision models, for PDFs and images of up to {MAX_IMAGE_PAGES} pages; they cost more input tokens than text.
        {value !== 'text' && textOnly.length > 0 && ` Without vision, so given the text: ${textOnly.join(', ')}.`}
      </span>
    </label>
  );
}
