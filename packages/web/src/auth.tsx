import type { User } from '@kassa/contract';
import { useQueryClient } from '@tanstack/react-query';
import type { FormEvent, ReactNode } from 'react';
import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError, onUnauthenticated, setCsrfToken } from './api/client';
import { auth } from './api/endpoints';
import { PASSWORD_REFUSAL_MESSAGES, passwordRefusal } from './api/errorField';
import { applyUserLanguage } from './i18n';
import { ErrorAlert, Field, Loading } from './ui/components';
import { LanguageSelect } from './ui/LanguageSelect';

interface AuthState {
  readonly user: User;
  readonly logout: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (state === null) throw new Error('useAuth outside of a signed-in screen');
  return state;
}

/** Shows the login screen until the server knows the user, and again whenever a call answers 401. */
export function AuthGate({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const queryClient = useQueryClient();
  // Signed out: what was read for that user leaves the cache with them.
  useEffect(() => {
    if (user === null) queryClient.clear();
  }, [user, queryClient]);

  const signedIn = useCallback((info: { user: User; csrfToken: string }) => {
    setCsrfToken(info.csrfToken);
    applyUserLanguage(info.user.id);
    setUser(info.user);
  }, []);

  const [setupNeeded, setSetupNeeded] = useState(false);

  const check = useCallback(() => {
    setError(null);
    auth.me().then(signedIn, (caught: unknown) => {
      if (isApiError(caught, 'KASSA_UNAUTHENTICATED')) setUser(null);
      else if (isApiError(caught, 'KASSA_SETUP_REQUIRED')) {
        setSetupNeeded(true);
        setUser(null);
      } else setError(caught);
    });
  }, [signedIn]);

  useEffect(() => {
    check();
    return onUnauthenticated(() => {
      setCsrfToken(null);
      setUser(null);
    });
  }, [check]);

  const logout = useCallback(async () => {
    try {
      await auth.logout();
    } finally {
      setCsrfToken(null);
      setUser(null);
    }
  }, []);

  if (user === undefined) return error === null ? <Loading /> : <ErrorAlert error={error} onRetry={check} />;
  if (user === null && setupNeeded)
    return (
      <SetupScreen
        token={setupTokenOf(window.location.hash)}
        onSignedIn={(info) => {
          setSetupNeeded(false);
          window.location.hash = '#/';
          signedIn(info);
        }}
      />
    );
  if (user === null) return <LoginScreen onSignedIn={signedIn} />;
  return <AuthContext.Provider value={{ user, logout }}>{children}</AuthContext.Provider>;
}

function LoginScreen({ onSignedIn }: { onSignedIn: (info: { user: User; csrfToken: string }) => void }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const info = await auth.login({ username, password });
      // A setup link used already leads to this screen: once signed in, to the start page.
      if (setupTokenOf(window.location.hash) !== null) window.location.hash = '#/';
      onSignedIn(info);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login" id="main">
      <LanguageSelect userId={null} />
      <form onSubmit={(event) => void submit(event)} aria-labelledby="login-title" className="card">
        <h1 id="login-title">{t('login.title')}</h1>
        {setupTokenOf(window.location.hash) === null ? null : <p role="status">{t('errors.KASSA_SETUP_DONE')}</p>}
        <Field label={t('login.username')}>
          {(props) => <input {...props} autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />}
        </Field>
        <Field label={t('login.password')}>
          {(props) => (
            <input {...props} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
          )}
        </Field>
        <ErrorAlert error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {t('login.submit')}
        </button>
      </form>
    </main>
  );
}

/** The token of a setup link, `…/#/setup/TOKEN`; null when the page was opened otherwise. */
export function setupTokenOf(hash: string): string | null {
  return /^#\/setup\/([A-Za-z0-9_-]{20,128})$/.exec(hash)?.[1] ?? null;
}

/** First run: the server has no admin yet; the setup link the server printed creates the first one. */
function SetupScreen({ token, onSignedIn }: { token: string | null; onSignedIn: (info: { user: User; csrfToken: string }) => void }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const refusal = passwordRefusal(error);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (token === null) return;
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await auth.setup({ token, username, password }));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login" id="main">
      <LanguageSelect userId={null} />
      <form onSubmit={(event) => void submit(event)} aria-labelledby="setup-title" className="card">
        <h1 id="setup-title">{t('setup.title')}</h1>
        {token === null ? (
          <p>{t('setup.noLink')}</p>
        ) : (
          <>
            <p>{t('setup.intro')}</p>
            <Field label={t('login.username')}>
              {(props) => (
                <input
                  {...props}
                  autoComplete="username"
                  value={username}
                  onChange={(e) => setUsername(e.target.value)}
                  required
                  maxLength={64}
                  pattern="[A-Za-z0-9_.@\-]+"
                />
              )}
            </Field>
            <Field label={t('login.password')} help={t('setup.passwordHint')} error={refusal === null ? null : t(PASSWORD_REFUSAL_MESSAGES[refusal])}>
              {(props) => (
                <input
                  {...props}
                  type="password"
                  autoComplete="new-password"
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                  required
                  minLength={12}
                  maxLength={256}
                />
              )}
            </Field>
            {refusal === null ? <ErrorAlert error={error} /> : null}
            <button type="submit" className="primary" disabled={busy}>
              {t('setup.submit')}
            </button>
          </>
        )}
      </form>
    </main>
  );
}
