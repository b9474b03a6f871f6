import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ValueSourceView } from '../../../contract/item-detail.ts';

/** A value whose place in the document is shown: its name in the fields table and where it is written. */
export interface FocusedSource {
  key: string;
  source: ValueSourceView & { page: number; start: number; end: number };
}

export interface SourceFocus {
  focused: FocusedSource | undefined;
  show: (focused: FocusedSource) => void;
}

/**
 * The item page's link between a value and the document viewer: clicking a value's page in the
 * fields table or the review form shows that page with the value highlighted.
 */
export const SourceFocusContext = createContext<SourceFocus>({ focused: undefined, show: () => undefined });

export const useSourceFocus = () => useContext(SourceFocusContext);
