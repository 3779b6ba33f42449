import type {} from 'altcha/types/global';
import type {} from 'altcha/types/react';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { api } from '../api/api.js';
import { CAPTCHA_CHALLENGE_URL, faqMessage, netIdApi, type NetIdDetails } from '../api/netid.js';
import { CodeStep } from '../forms/code-step.js';
import { errorText } from '../forms/error-text.js';
import { Field, type FieldProps } from '../forms/fields.js';
import { IdentityFields, nameAndBirthErrors, type IdentityErrors } from '../forms/identity-fields.js';
import { Link } from '../router/router.js';

/** The Alumni NetID API on the app's one client (same cookies, CSRF and sign-in handling as the rest). */
export const netid = netIdApi(api);

export type DetailsErrors = IdentityErrors;

/** What is missing in the details, in the reader's language (the portal checks them against the registry). */
export function detailsErrors(t: TFunction, details: NetIdDetails): DetailsErrors {
  const found = nameAndBirthErrors(t, details);
  if (!details.personalId.trim()) found.personalId = t('netid.personalIdRequired');
  return found;
}

/** The NetPassword rule (FAQ 13): at least 8 characters, counted as the reader sees them. */
export function newNetPasswordProblem(t: TFunction, password: string): string | undefined {
  return [...password].length < 8 ? t('netid.passwordTooShort') : undefined;
}

/** A new NetPassword, with the rule as its hint. */
export function NewNetPasswordField(props: Pick<FieldProps, 'label' | 'name' | 'error' | 'value' | 'onChange'>) {
  const { t } = useTranslation();
  return <Field {...props} hint={t('netid.passwordHint')} type="password" autoComplete="new-password" />;
}

/** The FAQ's messages as the portal sends them; anything else as the app usually says it. */
export function netIdErrorText(t: TFunction, language: string | undefined, error: unknown): string {
  return faqMessage(error) ?? errorText(t, language, error);
}

/** Surname, given name, date of birth and personal ID (required here: it is part of the proof). */
export function DetailsFields(props: {
  readonly details: NetIdDetails;
  readonly errors: DetailsErrors;
  readonly onChange: (details: NetIdDetails) => void;
}) {
  const { t } = useTranslation();
  return <IdentityFields {...props} personalId={{ label: t('netid.personalId'), hint: t('netid.personalIdHint') }} />;
}

/** Where the code went, once the details were accepted. */
export interface CodeSent {
  readonly ticket: string;
  readonly sentTo: string;
  readonly sentAt: number;
}

/** The code sent to the email on record; NetID flows have no resend: "start again" goes back to the form. */
export function NetIdCodeStep({
  sent,
  verify,
  onStartAgain,
  submitLabel,
  sentText,
}: {
  readonly sent: CodeSent;
  readonly verify: (code: string) => Promise<void>;
  readonly onStartAgain: () => void;
  readonly submitLabel?: string;
  readonly sentText?: string;
}) {
  const { t } = useTranslation();
  return (
    <div className="card">
      <CodeStep
        sentTo={sent.sentTo}
        sentAt={sent.sentAt}
        sentText={sentText}
        submitLabel={submitLabel}
        verify={verify}
        onStartAgain={onStartAgain}
        startAgainLabel={t('netid.startAgain')}
      />
    </div>
  );
}

/** The end of a NetID flow: what happened, then the way to sign in. */
export function NetIdDone({ children }: { readonly children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="card" role="status">
      {children}
      <p>
        <Link to="/sign-in" className="button button--brand">
          {t('netid.goSignIn')}
        </Link>
      </p>
    </div>
  );
}

/** "Your Alumni NetID: …" */
export function YourNetId({ netId }: { readonly netId: string }) {
  const { t } = useTranslation();
  return (
    <p>
      {t('netid.yourNetId')} <strong className="netid-value">{netId}</strong>
    </p>
  );
}

let altchaReady = false;

/**
 * Loads the widget as its own chunk, only on the pages that show it. `altcha/external` has no inline workers or
 * styles (the portal's CSP allows scripts from 'self' only, so blob workers are refused): the PBKDF2 worker is
 * emitted by Vite as a file of its own and registered for the algorithm the portal's challenges use.
 */
async function loadAltcha(): Promise<void> {
  const [, , worker] = await Promise.all([import('altcha/external'), import('altcha/altcha.css'), import('altcha/workers/pbkdf2?worker')]);
  globalThis.$altcha.algorithms.set('PBKDF2/SHA-256', () => new worker.default());
  // @ts-expect-error the package ships no types for its translation modules (they only register strings)
  await import('altcha/i18n/zh-hk');
  altchaReady = true;
}

/**
 * The ALTCHA widget (a web component, bundled with the app: no CDN). It fetches a challenge from the portal and
 * does the proof-of-work itself; `onPayload` gets the payload once verified, and undefined when it resets.
 * Changing `resetKey` gives a fresh challenge (a solution is accepted once).
 */
export function CaptchaWidget({
  onPayload,
  resetKey,
}: {
  readonly onPayload: (payload: string | undefined) => void;
  readonly resetKey: number;
}) {
  const { i18n } = useTranslation();
  const ref = useRef<HTMLElement>(null);
  const callback = useRef(onPayload);
  callback.current = onPayload;
  const [ready, setReady] = useState(altchaReady);
  useEffect(() => {
    if (!ready) void loadAltcha().then(() => setReady(true));
  }, [ready]);
  useEffect(() => {
    const element = ref.current;
    if (!element) return undefined;
    const listener = (event: Event) => {
      const detail = (event as CustomEvent<{ state?: string; payload?: string }>).detail;
      callback.current(detail?.state === 'verified' ? detail.payload : undefined);
    };
    element.addEventListener('statechange', listener);
    return () => element.removeEventListener('statechange', listener);
  }, [resetKey, ready]);
  if (!ready) return <div className="netid-captcha" aria-busy="true" />;
  return (
    <div className="netid-captcha" key={resetKey}>
      <altcha-widget
        ref={ref}
        challenge={CAPTCHA_CHALLENGE_URL}
        name="captcha"
        auto="onload"
        language={i18n.resolvedLanguage === 'zh-Hant' ? 'zh-hk' : 'en'}
      />
    </div>
  );
}
