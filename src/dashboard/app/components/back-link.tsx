import { Notice } from './notice.tsx';

/** The link back to the list a detail page belongs to. */
export const BackLink = ({ href, label }: { href: string; label: string }) => (
  <a class="back" href={href}>
    ← {label}
  </a>
);

/** A detail page before its data has come: the way back, and the error if loading failed. */
export function PendingPage({ href, label, error }: { href: string; label: string; error: string | undefined }) {
  return (
    <div class="page">
      <BackLink href={href} label={label} />
      {error ? <Notice kind="error">{error}</Notice> : <p class="muted">Loading…</p>}
    </div>
  );
}
