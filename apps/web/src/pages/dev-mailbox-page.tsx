import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PageHeading } from '../layout/app-shell.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { Link } from '../router/router.js';

/** One message the portal's development mail catcher caught (GET /api/dev/mailbox). */
export interface CaughtMessage {
  readonly id: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly date: string;
  readonly text: string;
}

type MailboxState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly messages: readonly CaughtMessage[] }
  | { readonly kind: 'off' }
  | { readonly kind: 'error' };

function isCaughtMessage(value: unknown): value is CaughtMessage {
  if (typeof value !== 'object' || value === null) return false;
  const { id, to, subject, date, text } = value as Record<string, unknown>;
  return (
    typeof id === 'string' &&
    Array.isArray(to) &&
    to.every((address) => typeof address === 'string') &&
    typeof subject === 'string' &&
    typeof date === 'string' &&
    typeof text === 'string'
  );
}

/** Newest first, by id (the catcher numbers messages as they arrive). */
function newestFirst(messages: readonly CaughtMessage[]): CaughtMessage[] {
  return [...messages].sort((a, b) => Number(b.id) - Number(a.id));
}

/** The 6-digit one-time code in a message, if there is one: shown large so it is easy to copy. */
function oneTimeCode(text: string): string | undefined {
  return /\b(\d{6})\b/.exec(text)?.[1];
}

async function fetchMailbox(signal: AbortSignal): Promise<MailboxState> {
  const response = await fetch('/api/dev/mailbox', { headers: { accept: 'application/json' }, cache: 'no-store', signal });
  if (response.status === 404) return { kind: 'off' };
  if (!response.ok) return { kind: 'error' };
  const body: unknown = await response.json();
  if (!Array.isArray(body)) return { kind: 'error' };
  return { kind: 'ready', messages: newestFirst(body.filter(isCaughtMessage)) };
}

/**
 * Development only: the emails the portal caught instead of sending (no SMTP_URL configured), so a newcomer
 * running `npm start` can read their one-time code. The portal answers 404 when it sends real email.
 */
export function DevMailboxPage() {
  const { t, i18n } = useTranslation();
  useDocumentTitle(t('devMailbox.pageTitle'));
  const [state, setState] = useState<MailboxState>({ kind: 'loading' });
  const [refreshing, setRefreshing] = useState(false);
  const inFlight = useRef<AbortController | undefined>(undefined);

  const load = useCallback(async () => {
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    setRefreshing(true);
    let next: MailboxState;
    try {
      next = await fetchMailbox(controller.signal);
    } catch {
      if (controller.signal.aborted) return; // a newer load or unmount owns the state now
      next = { kind: 'error' };
    }
    setState(next);
    setRefreshing(false);
  }, []);

  useEffect(() => {
    void load();
    return () => inFlight.current?.abort();
  }, [load]);

  const formatDate = (iso: string): string => {
    const date = new Date(iso);
    return Number.isNaN(date.getTime())
      ? iso
      : date.toLocaleString(i18n.resolvedLanguage ?? 'en', { dateStyle: 'medium', timeStyle: 'medium' });
  };

  const count = state.kind === 'ready' ? state.messages.length : 0;

  return (
    <div className="content page">
      <PageHeading className="page__title">{t('devMailbox.title')}</PageHeading>
      <p className="system-status" role="note" data-state="degraded">
        <strong>{t('devMailbox.devOnly')}</strong> {t('devMailbox.intro')}
      </p>

      <div>
        <button type="button" className="button button--small button--quiet" onClick={() => void load()} disabled={refreshing}>
          {refreshing ? t('devMailbox.refreshing') : t('devMailbox.refresh')}
        </button>
      </div>

      <p role="status" className="page__note">
        {state.kind === 'loading'
          ? t('devMailbox.loading')
          : state.kind === 'off'
            ? t('devMailbox.off')
            : state.kind === 'error'
              ? t('devMailbox.error')
              : count === 0
                ? t('devMailbox.empty')
                : t('devMailbox.count', { count })}
      </p>

      {state.kind === 'ready' && state.messages.length > 0 && (
        <ol className="method-list" aria-label={t('devMailbox.listLabel')}>
          {state.messages.map((message) => {
            const code = oneTimeCode(message.text);
            return (
              <li key={message.id} className="method">
                <article aria-labelledby={`mail-${message.id}-subject`}>
                  <h2 id={`mail-${message.id}-subject`} className="method__title">
                    {message.subject || t('devMailbox.noSubject')}
                  </h2>
                  <p className="method__body">
                    {t('devMailbox.to', { to: message.to.join(', ') })}
                    {' · '}
                    <time dateTime={message.date}>{formatDate(message.date)}</time>
                  </p>
                  {code !== undefined && (
                    <p>
                      {t('devMailbox.code')}{' '}
                      <strong style={{ fontFamily: 'ui-monospace, monospace', fontSize: '1.5rem', letterSpacing: '0.15em' }}>{code}</strong>
                    </p>
                  )}
                  <pre
                    style={{
                      margin: '0.5rem 0 0',
                      whiteSpace: 'pre-wrap',
                      overflowWrap: 'anywhere',
                      fontFamily: 'inherit',
                      fontSize: '0.9375rem',
                    }}
                  >
                    {message.text}
                  </pre>
                </article>
              </li>
            );
          })}
        </ol>
      )}

      <p>
        <Link to="/sign-in" className="back-link">
          {t('devMailbox.backToSignIn')}
        </Link>
      </p>
    </div>
  );
}
