import type { ComponentChildren } from 'preact';

/** A message in the page's flow: errors are announced to screen readers at once, the rest politely. */
export function Notice({ kind, children, onDismiss }: { kind: 'error' | 'info' | 'success'; children: ComponentChildren; onDismiss?: () => void }) {
  return (
    <div class={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      <div>{children}</div>
      {onDismiss && (
        <button type="button" class="button-ghost" onClick={onDismiss} aria-label="Dismiss">
          ×
        </button>
      )}
    </div>
  );
}
