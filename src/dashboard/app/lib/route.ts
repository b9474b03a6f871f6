import { useEffect, useState } from 'preact/hooks';

// Hash routes (`#/queue`, `#/items/<id>`): the server serves one HTML page at `/`, so the app's
// addresses never collide with the API's paths, and nothing secret ever enters the URL.
export type Route =
  | { page: 'queue' }
  | { page: 'configurations' }
  | { page: 'analytics' }
  | { page: 'experiments' }
  | { page: 'recommendations' }
  | { page: 'item'; id: string }
  | { page: 'experiment'; id: string };

const ID = /^[0-9a-f-]{36}$/i;

export function parseRoute(hash: string): Route {
  const [, page, id] = hash.replace(/^#/, '').split('/');
  if (page === 'items' && id && ID.test(id)) return { page: 'item', id };
  if (page === 'experiments' && id && ID.test(id)) return { page: 'experiment', id };
  if (page === 'configurations' || page === 'analytics' || page === 'experiments' || page === 'recommendations') return { page };
  return { page: 'queue' };
}

export const hrefOf = (route: Route) =>
  route.page === 'item' ? `#/items/${route.id}` : route.page === 'experiment' ? `#/experiments/${route.id}` : `#/${route.page}`;

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}
