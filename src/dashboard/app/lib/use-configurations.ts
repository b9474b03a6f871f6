import { useMemo } from 'preact/hooks';
import { SavedConfigurationListSchema, type SavedConfiguration } from '../../../contract/configurations.ts';
import { useApi } from './use-api.ts';

/** The saved, named configurations (newest first), for the pickers that offer them. */
export function useConfigurations(): { configurations: SavedConfiguration[] | undefined; error: string | undefined; reload: () => Promise<void> } {
  const { data, error, reload } = useApi('/configurations', SavedConfigurationListSchema);
  const configurations = useMemo(() => data?.filter((row) => row.name !== null), [data]);
  return { configurations, error, reload };
}
