import { useState } from 'preact/hooks';
import { Notice } from '../components/notice.tsx';

/**
 * Asks for the API token. It goes to memory only (see lib/api.ts): a password field, never a URL
 * parameter, never browser storage.
 */
export function SignInPage({ onSubmit, error }: { onSubmit: (token: string) => void; error?: string }) {
  const [token, setToken] = useState('');
  return (
    <main class="sign-in">
      <form
        class="card sign-in-card"
        onSubmit={(event) => {
          event.preventDefault();
          onSubmit(token.trim());
        }}
      >
        <div class="brand brand-large">
          <img src="/favicon.svg" alt="" width={36} height={36} />
          <span>Quarry</span>
        </div>
        <h1>Sign in</h1>
        <p class="muted">This Quarry API requires its access token (the server’s <code>QUARRY_API_TOKEN</code>).</p>
        <label class="field">
          <span>API token</span>
          <input type="password" name="token" autocomplete="current-password" value={token} onInput={(event) => setToken(event.currentTarget.value)} required autofocus />
        </label>
        {error && <Notice kind="error">{error}</Notice>}
        <button type="submit" class="button-primary wide" disabled={!token.trim()}>
          Sign in
        </button>
        <p class="muted small">The token is kept in this tab’s memory only; reloading the page asks for it again.</p>
      </form>
    </main>
  );
}
