import type { ComponentChildren } from 'preact';
import type { Route } from '../lib/route.ts';

const NAV: Array<{ page: Route['page']; label: string; href: string }> = [
  { page: 'queue', label: 'Queue', href: '#/queue' },
  { page: 'configurations', label: 'Configurations', href: '#/configurations' },
  { page: 'analytics', label: 'Analytics', href: '#/analytics' },
  { page: 'experiments', label: 'Experiments', href: '#/experiments' },
  { page: 'recommendations', label: 'Recommendations', href: '#/recommendations' },
];

interface Props {
  route: Route;
  simulated: boolean;
  onSignOut?: () => void;
  children: ComponentChildren;
}

/** The frame of every page: the brand, the navigation, the SIMULATED badge and sign-out. */
export function Layout({ route, simulated, onSignOut, children }: Props) {
  const current = route.page === 'item' ? 'queue' : route.page === 'experiment' ? 'experiments' : route.page;
  return (
    <>
      <a href="#main" class="skip-link">
        Skip to content
      </a>
      <header class="topbar">
        <div class="topbar-inner">
          <a class="brand" href="#/queue">
            <img src="/favicon.svg" alt="" width={26} height={26} />
            <span>Quarry</span>
          </a>
          <nav aria-label="Main">
            <ul class="nav">
              {NAV.map((item) => (
                <li key={item.page}>
                  <a href={item.href} aria-current={item.page === current ? 'page' : undefined}>
                    {item.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <div class="topbar-end">
            {simulated && (
              <span class="simulated-badge" title="Providers are simulated: no real model is called and costs are list prices applied to simulated tokens.">
                SIMULATED
              </span>
            )}
            {onSignOut && (
              <button type="button" class="button-ghost on-dark" onClick={onSignOut}>
                Sign out
              </button>
            )}
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
