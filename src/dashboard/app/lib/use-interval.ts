import { useEffect, useRef } from 'preact/hooks';

/** Calls `tick` every `ms` while `active`; the latest `tick` is used, so callers need not memoise it. */
export function useInterval(tick: () => void, ms: number, active = true): void {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(() => latest.current(), ms);
    return () => clearInterval(timer);
  }, [ms, active]);
}
