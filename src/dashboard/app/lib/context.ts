import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { CatalogEntry as CatalogModel } from '../../../contract/catalog.ts';
import type { DashboardStatus } from '../../../contract/dashboard-status.ts';

/** What every page may need: the server's status and the model catalog, loaded once after sign-in. */
export interface Session {
  status: DashboardStatus;
  models: CatalogModel[];
  modelById: Map<string, CatalogModel>;
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside the signed-in app');
  return session;
}

export function temporalRunUrl(status: DashboardStatus, workflowId: string, runId: string | null): string {
  const base = `${status.temporal_ui_url}/namespaces/${encodeURIComponent(status.temporal_namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${encodeURIComponent(runId)}/history` : base;
}
