import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Layout } from './components/layout.tsx';
import { Notice } from './components/notice.tsx';
import { ApiError, api, describeError, onUnauthorized, setToken } from './lib/api.ts';
import { SessionContext, type Session } from './lib/context.ts';
import { useRoute } from './lib/route.ts';
import { CatalogSchema } from '../../contract/catalog.ts';
import { DashboardStatusSchema } from '../../contract/dashboard-status.ts';
import { AnalyticsPage } from './pages/analytics-page.tsx';
import { ConfigurationsPage } from './pages/configurations-page.tsx';
import { ExperimentPage } from './pages/experiment-page.tsx';
import { ExperimentsPage } from './pages/experiments-page.tsx';
import { ItemPage } from './pages/item-page.tsx';
import { QueuePage } from './pages/queue-page.tsx';
import { RecommendationsPage } from './pages/recommendations-page.tsx';
import { SignInPage } from './pages/sign-in-page.tsx';
import './styles.css';
import './schemas.css';

type State = { phase: 'loading' } | { phase: 'sign-in'; error?: string } | { phase: 'ready'; session: Session; signedIn: boolean } | { phase: 'error'; message: string };

/** Set by the server in the page (see src/dashboard/serve.ts), so sign-in comes before any API call. */
const TOKEN_REQUIRED = document.querySelector('meta[name="quarry-token-required"]')?.getAttribute('content') === 'true';

async function loadSession(): Promise<Session> {
  const [status, models] = await Promise.all([api('GET', '/dashboard/status', DashboardStatusSchema), api('GET', '/models', CatalogSchema)]);
  return { status, models, modelById: new Map(models.map((model) => [model.id, model])) };
}

function App() {
  const route = useRoute();
  const [state, setState] = useState<State>({ phase: 'loading' });

  const start = (signedIn: boolean) =>
    loadSession()
      .then((session) => setState({ phase: 'ready', session, signedIn }))
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 401) {
          setToken(undefined);
          setState({ phase: 'sign-in', error: signedIn ? 'That token was not accepted.' : undefined });
        } else {
          setState({ phase: 'error', message: describeError(error) });
        }
      });

  useEffect(() => {
    if (TOKEN_REQUIRED) setState({ phase: 'sign-in' });
    else void start(false);
    // A token that stops working (rotated on the server) sends the person back to sign in.
    return onUnauthorized(() => setState((current) => (current.phase === 'ready' ? { phase: 'sign-in', error: 'Your session ended: sign in again.' } : current)));
  }, []);
  useEffect(() => {
    document.title = `${route.page === 'item' ? 'Item' : route.page[0]!.toUpperCase() + route.page.slice(1)} · Quarry`;
  }, [route]);

  if (state.phase === 'loading') return <p class="loading muted">Loading Quarry…</p>;
  if (state.phase === 'error') return <main class="sign-in"><Notice kind="error">Quarry’s API did not answer: {state.message}</Notice></main>;
  if (state.phase === 'sign-in') {
    return (
      <SignInPage
        error={state.error}
        onSubmit={(token) => {
          setToken(token);
          void start(true);
        }}
      />
    );
  }

  const signOut = () => {
    setToken(undefined);
    setState({ phase: 'sign-in' });
  };
  return (
    <SessionContext.Provider value={state.session}>
      <Layout route={route} simulated={state.session.status.simulated} onSignOut={TOKEN_REQUIRED ? signOut : undefined}>
        {route.page === 'queue' && <QueuePage />}
        {route.page === 'configurations' && <ConfigurationsPage />}
        {route.page === 'analytics' && <AnalyticsPage />}
        {route.page === 'item' && <ItemPage id={route.id} />}
        {route.page === 'experiments' && <ExperimentsPage />}
        {route.page === 'experiment' && <ExperimentPage id={route.id} />}
        {route.page === 'recommendations' && <RecommendationsPage />}
      </Layout>
    </SessionContext.Provider>
  );
}

render(<App />, document.getElementById('app')!);
