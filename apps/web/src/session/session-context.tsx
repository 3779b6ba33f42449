import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, identity } from '../api/api.js';
import { isApiError } from '../api/client.js';
import type { Role, Session } from '../api/identity.js';
import { forgetOfflineData } from '../pwa/register-service-worker.js';

export type SessionState =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly session: Session; readonly displayName?: string }
  | { readonly status: 'error' };

interface SessionContextValue {
  readonly state: SessionState;
  /** Asks the portal who is signed in (after sign-in, sign-out, or a 401). */
  readonly refresh: () => Promise<void>;
  /** Sets the session a sign-in answered with, then looks up the name to show. */
  readonly signedIn: (session: Session) => Promise<void>;
  readonly signOut: () => Promise<void>;
  /** A page that knows the person's name (the profile) can share it with the header. */
  readonly setDisplayName: (name: string | undefined) => void;
}

const SessionContext = createContext<SessionContextValue | undefined>(undefined);

async function nameOf(session: Session): Promise<string | undefined> {
  if (!session.authenticated || !session.subject) return undefined;
  try {
    if (session.subject.type === 'staff') return (await identity.staffMe()).name;
    const profile = await api.get<{ name?: { surname?: unknown; givenName?: unknown } }>('/api/profile', { quiet401: true });
    const { givenName, surname } = profile?.name ?? {};
    if (typeof givenName === 'string' && typeof surname === 'string') return `${givenName} ${surname}`;
  } catch {
    // The name is a nicety: the header still says someone is signed in.
  }
  return undefined;
}

/** Pauses before the session check's second and third tries. */
const SESSION_RETRY_DELAYS_MS = [300, 1_200];

/**
 * Asks who is signed in, trying again twice when the answer did not come through (a dropped connection, a portal
 * restarting behind its proxy): every page waits on this answer, so a passing hiccup should not put "cannot reach
 * the portal" on the screen. Any answer the portal did give is final.
 */
async function sessionWithRetries(): Promise<Session> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await identity.session();
    } catch (error) {
      const transient = isApiError(error) && (error.status === 0 || error.status === 502 || error.status === 503 || error.status === 504);
      const delay = SESSION_RETRY_DELAYS_MS[attempt];
      if (!transient || delay === undefined) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

export function SessionProvider({ children }: { readonly children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  /** Counts session changes: a check that answers after a newer one (a sign-in, another check) is dropped. */
  const generation = useRef(0);

  const accept = useCallback(async (session: Session) => {
    generation.current++;
    api.setCsrfToken(session.csrfToken);
    setState({ status: 'ready', session });
    const displayName = await nameOf(session);
    if (displayName)
      setState((current) => (current.status === 'ready' && current.session === session ? { ...current, displayName } : current));
  }, []);

  const refresh = useCallback(async () => {
    const asked = ++generation.current;
    let session: Session;
    try {
      session = await sessionWithRetries();
    } catch {
      if (asked === generation.current) setState({ status: 'error' });
      return;
    }
    if (asked === generation.current) await accept(session);
  }, [accept]);

  const signOut = useCallback(async () => {
    try {
      await identity.signOut();
    } finally {
      // The eCard kept for offline use belongs to this person: a shared phone must not show it to the next one.
      await forgetOfflineData();
      generation.current++;
      api.setCsrfToken(undefined);
      setState({ status: 'ready', session: { authenticated: false } });
    }
  }, []);

  const setDisplayName = useCallback((displayName: string | undefined) => {
    setState((current) => (current.status === 'ready' ? { ...current, displayName } : current));
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const value = useMemo(
    () => ({ state, refresh, signedIn: accept, signOut, setDisplayName }),
    [state, refresh, accept, signOut, setDisplayName],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside <SessionProvider>');
  return value;
}

export function hasRole(state: SessionState, role: Role): boolean {
  return state.status === 'ready' && !!state.session.subject?.roles.includes(role);
}
