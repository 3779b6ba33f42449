import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ADMIN_GUEST_POLICY_LIMITS as LIMITS, adminAlumni, type AdminGuestPolicy } from '../../api/admin-alumni.js';
import { errorText } from '../../forms/error-text.js';
import { Field, focusFirstInvalid, FormAlert } from '../../forms/fields.js';
import { LoadFailed } from '../../forms/load-failed.js';
import { useLoaded } from '../../forms/use-loaded.js';
import { PageHeading } from '../../layout/app-shell.js';
import { RequireSession } from '../../layout/require-session.js';
import { useDocumentTitle } from '../../layout/use-document-title.js';
import { formatDateTime } from './console/format.js';
import { hasRole, useSession } from '../../session/session-context.js';

/** AAO: the guest access policy (days ahead, guests per day, purposes, single entry). Auditors read it. */
export function GuestPolicyPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('alumniAdmin.guestPolicy.title'));
  return (
    <RequireSession role={['aao-admin', 'auditor']} title={t('alumniAdmin.guestPolicy.title')}>
      <GuestPolicyEditor />
    </RequireSession>
  );
}

interface Draft {
  maxDaysAhead: string;
  maxGuestsPerDay: string;
  purposes: Array<{ key: number; text: string }>;
  singleEntry: boolean;
}

let nextKey = 1;
const toDraft = (policy: AdminGuestPolicy): Draft => ({
  maxDaysAhead: String(policy.maxDaysAhead),
  maxGuestsPerDay: String(policy.maxGuestsPerDay),
  purposes: policy.purposes.map((text) => ({ key: nextKey++, text })),
  singleEntry: policy.singleEntry,
});

const wholeNumberIn = (text: string, min: number, max: number): number | undefined => {
  if (!/^\d+$/.test(text.trim())) return undefined;
  const value = Number(text.trim());
  return value >= min && value <= max ? value : undefined;
};

type Problems = { maxDaysAhead?: string; maxGuestsPerDay?: string; purposes?: string; purpose: Record<number, string> };

function GuestPolicyEditor() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const { state } = useSession();
  const canEdit = hasRole(state, 'aao-admin');
  const fetch = useCallback((signal?: AbortSignal) => adminAlumni.guestPolicy(signal), []);
  const describe = useCallback((error: unknown) => errorText(t, language, error), [t, language]);
  const { data, setData, loadError, reload } = useLoaded<AdminGuestPolicy>(fetch, describe);
  const [draft, setDraft] = useState<Draft>();
  const [problems, setProblems] = useState<Problems>({ purpose: {} });
  const [formError, setFormError] = useState<string>();
  const [saved, setSaved] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (data) setDraft(toDraft(data));
  }, [data]);

  const check = (current: Draft): Problems => {
    const found: Problems = { purpose: {} };
    if (wholeNumberIn(current.maxDaysAhead, LIMITS.maxDaysAhead.min, LIMITS.maxDaysAhead.max) === undefined) {
      found.maxDaysAhead = t('alumniAdmin.guestPolicy.maxDaysAheadError');
    }
    if (wholeNumberIn(current.maxGuestsPerDay, LIMITS.maxGuestsPerDay.min, LIMITS.maxGuestsPerDay.max) === undefined) {
      found.maxGuestsPerDay = t('alumniAdmin.guestPolicy.maxGuestsPerDayError');
    }
    if (current.purposes.length > LIMITS.purposes.max) found.purposes = t('alumniAdmin.guestPolicy.purposesTooMany');
    const seen = new Set<string>();
    for (const purpose of current.purposes) {
      const text = purpose.text.trim().replace(/\s+/g, ' ');
      if (!text) found.purpose[purpose.key] = t('alumniAdmin.guestPolicy.purposeEmpty');
      else if (text.length > LIMITS.purposes.maxLength) found.purpose[purpose.key] = t('alumniAdmin.guestPolicy.purposeTooLong');
      else if (seen.has(text.toLowerCase())) found.purpose[purpose.key] = t('alumniAdmin.guestPolicy.purposeRepeated');
      seen.add(text.toLowerCase());
    }
    return found;
  };
  const hasProblems = (found: Problems) =>
    Boolean(found.maxDaysAhead || found.maxGuestsPerDay || found.purposes || Object.keys(found.purpose).length);

  const update = (change: (current: Draft) => Draft) => {
    if (!draft) return;
    setSaved(undefined);
    const next = change(draft);
    setDraft(next);
    // Inline: once the form has shown problems, they are re-checked as they are corrected.
    if (hasProblems(problems)) setProblems(check(next));
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!draft) return;
    const form = event.currentTarget;
    setFormError(undefined);
    setSaved(undefined);
    const found = check(draft);
    setProblems(found);
    if (hasProblems(found)) {
      requestAnimationFrame(() => focusFirstInvalid(form));
      return;
    }
    setBusy(true);
    try {
      const policy = await adminAlumni.saveGuestPolicy({
        maxDaysAhead: Number(draft.maxDaysAhead.trim()),
        maxGuestsPerDay: Number(draft.maxGuestsPerDay.trim()),
        purposes: draft.purposes.map((purpose) => purpose.text.trim().replace(/\s+/g, ' ')),
        singleEntry: draft.singleEntry,
      });
      setData(policy);
      setSaved(t('alumniAdmin.guestPolicy.saved'));
    } catch (failure) {
      setFormError(errorText(t, language, failure));
    } finally {
      setBusy(false);
    }
  };

  const move = (index: number, by: -1 | 1) =>
    update((current) => {
      const purposes = [...current.purposes];
      const [item] = purposes.splice(index, 1);
      purposes.splice(index + by, 0, item!);
      return { ...current, purposes };
    });

  return (
    <div className="content page aao-page">
      <PageHeading className="page__title">{t('alumniAdmin.guestPolicy.title')}</PageHeading>
      <p className="page__intro">{t('alumniAdmin.guestPolicy.intro')}</p>
      {loadError && <LoadFailed message={loadError} onRetry={() => void reload()} />}
      {!draft && !loadError && <p role="status">{t('common.loading')}</p>}
      {draft && data && (
        <form className="form aao-policy" onSubmit={(event) => void submit(event)} noValidate>
          {!canEdit && <FormAlert tone="info">{t('alumniAdmin.guestPolicy.readOnly')}</FormAlert>}
          <p className="aao-muted">{t('alumniAdmin.guestPolicy.updated', { date: formatDateTime(language, data.updatedAt) })}</p>
          <fieldset className="aao-policy__fieldset" disabled={!canEdit || busy}>
            <Field
              className="aao-number"
              label={t('alumniAdmin.guestPolicy.maxDaysAhead')}
              hint={t('alumniAdmin.guestPolicy.maxDaysAheadHint')}
              type="number"
              inputMode="numeric"
              min={LIMITS.maxDaysAhead.min}
              max={LIMITS.maxDaysAhead.max}
              step={1}
              value={draft.maxDaysAhead}
              error={problems.maxDaysAhead}
              onChange={(event) => {
                const value = event.target.value;
                update((current) => ({ ...current, maxDaysAhead: value }));
              }}
            />
            <Field
              className="aao-number"
              label={t('alumniAdmin.guestPolicy.maxGuestsPerDay')}
              hint={t('alumniAdmin.guestPolicy.maxGuestsPerDayHint')}
              type="number"
              inputMode="numeric"
              min={LIMITS.maxGuestsPerDay.min}
              max={LIMITS.maxGuestsPerDay.max}
              step={1}
              value={draft.maxGuestsPerDay}
              error={problems.maxGuestsPerDay}
              onChange={(event) => {
                const value = event.target.value;
                update((current) => ({ ...current, maxGuestsPerDay: value }));
              }}
            />
            <fieldset className="aao-purposes" aria-describedby="aao-purposes-hint">
              <legend className="field__label">{t('alumniAdmin.guestPolicy.purposes')}</legend>
              <p className="field__hint" id="aao-purposes-hint">
                {t('alumniAdmin.guestPolicy.purposesHint')}
              </p>
              {problems.purposes && <p className="field__error">{problems.purposes}</p>}
              <ol className="aao-purposes__list">
                {draft.purposes.map((purpose, index) => {
                  const number = index + 1;
                  const error = problems.purpose[purpose.key];
                  const id = `aao-purpose-${purpose.key}`;
                  return (
                    <li key={purpose.key} className={`aao-purpose field${error ? ' field--invalid' : ''}`}>
                      <label className="visually-hidden" htmlFor={id}>
                        {t('alumniAdmin.guestPolicy.purpose', { number })}
                      </label>
                      <div className="aao-purpose__row">
                        <input
                          id={id}
                          className="field__input"
                          value={purpose.text}
                          maxLength={LIMITS.purposes.maxLength + 20}
                          aria-invalid={error ? true : undefined}
                          aria-describedby={error ? `${id}-error` : undefined}
                          onChange={(event) =>
                            update((current) => ({
                              ...current,
                              purposes: current.purposes.map((item) =>
                                item.key === purpose.key ? { ...item, text: event.target.value } : item,
                              ),
                            }))
                          }
                        />
                        <button
                          type="button"
                          className="button button--quiet button--small"
                          aria-label={t('alumniAdmin.guestPolicy.up', { number })}
                          disabled={index === 0}
                          onClick={() => move(index, -1)}
                        >
                          ↑
                        </button>
                        <button
                          type="button"
                          className="button button--quiet button--small"
                          aria-label={t('alumniAdmin.guestPolicy.down', { number })}
                          disabled={index === draft.purposes.length - 1}
                          onClick={() => move(index, 1)}
                        >
                          ↓
                        </button>
                        <button
                          type="button"
                          className="button button--quiet button--small"
                          aria-label={t('alumniAdmin.guestPolicy.remove', { number })}
                          disabled={draft.purposes.length <= LIMITS.purposes.min}
                          onClick={() =>
                            update((current) => ({ ...current, purposes: current.purposes.filter((item) => item.key !== purpose.key) }))
                          }
                        >
                          ✕
                        </button>
                      </div>
                      {error && (
                        <p className="field__error" id={`${id}-error`}>
                          {error}
                        </p>
                      )}
                    </li>
                  );
                })}
              </ol>
              <button
                type="button"
                className="button button--quiet"
                disabled={draft.purposes.length >= LIMITS.purposes.max}
                onClick={() => {
                  const key = nextKey++;
                  update((current) => ({ ...current, purposes: [...current.purposes, { key, text: '' }] }));
                  requestAnimationFrame(() => document.getElementById(`aao-purpose-${key}`)?.focus());
                }}
              >
                {t('alumniAdmin.guestPolicy.add')}
              </button>
            </fieldset>
            <div className="field aao-check">
              <input
                id="aao-single-entry"
                type="checkbox"
                checked={draft.singleEntry}
                aria-describedby="aao-single-entry-hint"
                onChange={(event) => update((current) => ({ ...current, singleEntry: event.target.checked }))}
              />
              <label htmlFor="aao-single-entry">{t('alumniAdmin.guestPolicy.singleEntry')}</label>
              <p className="field__hint" id="aao-single-entry-hint">
                {t('alumniAdmin.guestPolicy.singleEntryHint')}
              </p>
            </div>
          </fieldset>
          <FormAlert>{formError}</FormAlert>
          <FormAlert tone="success">{saved}</FormAlert>
          {canEdit && (
            <div className="form__actions">
              <button type="submit" className="button button--brand" disabled={busy}>
                {t('alumniAdmin.guestPolicy.save')}
              </button>
            </div>
          )}
        </form>
      )}
    </div>
  );
}
