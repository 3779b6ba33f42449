import type {} from 'altcha/types/global';
import type {} from 'altcha/types/react';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { api } from '../api/api.js';
import { CAPTCHA_CHALLENGE_URL, faqMessage, netIdApi, type NetIdDetails } from '../api/netid.js';
import { errorText } from '../forms/error-text.js';
import { Field } from '../forms/fields.js';

/** The Alumni NetID API on the app's one client (same cookies, CSRF and sign-in handling as the rest). */
export const netid = netIdApi(api);

export const DATE = /^\d{4}-\d{2}-\d{2}$/;

export type DetailsErrors = Partial<Record<keyof NetIdDetails, string>>;

/** What is missing in the details, in the reader's language (the portal checks them against the registry). */
export function detailsErrors(t: TFunction, details: NetIdDetails): DetailsErrors {
  const found: DetailsErrors = {};
  if (!details.surname.trim()) found.surname = t('register.surnameRequired');
  if (!details.givenName.trim()) found.givenName = t('register.givenNameRequired');
  if (!DATE.test(details.dateOfBirth)) found.dateOfBirth = t('register.dateOfBirthInvalid');
  if (!details.personalId.trim()) found.personalId = t('netid.personalIdRequired');
  return found;
}

export function trimmed(details: NetIdDetails): NetIdDetails {
  return {
    surname: details.surname.trim(),
    givenName: details.givenName.trim(),
    dateOfBirth: details.dateOfBirth,
    personalId: details.personalId.trim(),
  };
}

/** The FAQ's messages as the portal sends them; anything else as the app usually says it. */
export function netIdErrorText(t: TFunction, language: string | undefined, error: unknown): string {
  return faqMessage(error) ?? errorText(t, language, error);
}

/** Surname, given name, date of birth and personal ID. */
export function DetailsFields({
  details,
  errors,
  onChange,
}: {
  readonly details: NetIdDetails;
  readonly errors: DetailsErrors;
  readonly onChange: (details: NetIdDetails) => void;
}) {
  const { t } = useTranslation();
  const set = (key: keyof NetIdDetails) => (event: { target: { value: string } }) => onChange({ ...details, [key]: event.target.value });
  return (
    <>
      <Field
        label={t('register.surname')}
        error={errors.surname}
        name="surname"
        autoComplete="family-name"
        value={details.surname}
        onChange={set('surname')}
      />
      <Field
        label={t('register.givenName')}
        error={errors.givenName}
        name="givenName"
        autoComplete="given-name"
        value={details.givenName}
        onChange={set('givenName')}
      />
      <Field
        label={t('register.dateOfBirth')}
        hint={t('register.dateOfBirthHint')}
        error={errors.dateOfBirth}
        type="date"
        name="dateOfBirth"
        autoComplete="bday"
        value={details.dateOfBirth}
        onChange={set('dateOfBirth')}
      />
      <Field
        label={t('netid.personalId')}
        hint={t('netid.personalIdHint')}
        error={errors.personalId}
        name="personalId"
        autoComplete="off"
        value={details.personalId}
        onChange={set('personalId')}
      />
    </>
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
