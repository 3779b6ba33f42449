import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { RE_ENTRY_MAX_SECONDS, TIME_OF_DAY, ZONE_MAX, type AdminGatePolicy } from '../../../api/admin.js';
import { Field } from '../../../forms/fields.js';

const PASS_KINDS = ['alumni-day', 'guest'] as const;
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

interface HoursDraft {
  readonly key: number;
  weekdays: number[];
  open: string;
  close: string;
}

interface PolicyDraft {
  passKinds: Array<'alumni-day' | 'guest'>;
  zone: string;
  reEntryWindowSeconds: string;
  hours: HoursDraft[];
}

type PolicyErrors = Partial<Record<'passKinds' | 'zone' | 'reEntryWindowSeconds' | `hours.${number}`, string>>;

let nextKey = 1;

function draftOf(policy: AdminGatePolicy | null): PolicyDraft {
  return {
    passKinds: [...(policy?.passKinds ?? PASS_KINDS)],
    zone: String(policy?.zone ?? 0),
    reEntryWindowSeconds: String(policy?.reEntryWindowSeconds ?? 60),
    hours: (policy?.hours ?? []).map((row) => ({ key: nextKey++, weekdays: [...row.weekdays], open: row.open, close: row.close })),
  };
}

const wholeNumber = (text: string, max: number) => (/^\d+$/.test(text.trim()) && Number(text) <= max ? Number(text) : undefined);

/** Checks a draft as gatePolicySchema will; the policy to send, or what is wrong by field (message keys). */
export function checkPolicyDraft(draft: PolicyDraft): { policy?: AdminGatePolicy; errors: PolicyErrors } {
  const errors: PolicyErrors = {};
  if (draft.passKinds.length === 0) errors.passKinds = 'admin.gates.policy.passKindsRequired';
  const zone = wholeNumber(draft.zone, ZONE_MAX);
  if (zone === undefined) errors.zone = 'admin.gates.policy.zoneInvalid';
  const reEntry = wholeNumber(draft.reEntryWindowSeconds, RE_ENTRY_MAX_SECONDS);
  if (reEntry === undefined) errors.reEntryWindowSeconds = 'admin.gates.policy.reEntryInvalid';
  draft.hours.forEach((row, index) => {
    if (row.weekdays.length === 0) errors[`hours.${index}`] = 'admin.gates.policy.weekdaysRequired';
    else if (!TIME_OF_DAY.test(row.open) || !TIME_OF_DAY.test(row.close)) errors[`hours.${index}`] = 'admin.gates.policy.timeInvalid';
  });
  if (Object.keys(errors).length > 0) return { errors };
  return {
    errors,
    policy: {
      passKinds: PASS_KINDS.filter((kind) => draft.passKinds.includes(kind)),
      zone: zone!,
      reEntryWindowSeconds: reEntry!,
      hours: draft.hours.map((row) => ({ weekdays: [...row.weekdays].sort(), open: row.open, close: row.close })),
    },
  };
}

/** The per-gate policy as a form: pass kinds, zone, opening hours per weekday, re-entry window. */
export function GatePolicyForm({
  gateName,
  policy,
  busy,
  onSave,
  onCancel,
}: {
  readonly gateName: string;
  readonly policy: AdminGatePolicy | null;
  readonly busy: boolean;
  readonly onSave: (policy: AdminGatePolicy) => void;
  readonly onCancel: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [draft, setDraft] = useState<PolicyDraft>(() => draftOf(policy));
  const [errors, setErrors] = useState<PolicyErrors>({});
  const update = (change: Partial<PolicyDraft>) => setDraft((current) => ({ ...current, ...change }));
  const updateRow = (key: number, change: Partial<HoursDraft>) =>
    setDraft((current) => ({ ...current, hours: current.hours.map((row) => (row.key === key ? { ...row, ...change } : row)) }));

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const checked = checkPolicyDraft(draft);
    setErrors(checked.errors);
    if (checked.policy) onSave(checked.policy);
    else requestAnimationFrame(() => (event.target as HTMLFormElement).querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
  };

  const errorOf = (key: keyof PolicyErrors) => (errors[key] ? t(errors[key] as 'admin.gates.policy.zoneInvalid') : undefined);

  return (
    <form className="form admin-policy" onSubmit={submit} noValidate aria-label={t('admin.gates.policy.formLabel', { name: gateName })}>
      <h3 className="admin-policy__title">{t('admin.gates.policy.title', { name: gateName })}</h3>
      <fieldset
        className={`choice${errors.passKinds ? ' field--invalid' : ''}`}
        aria-describedby={errors.passKinds ? `${id}-kinds-error` : undefined}
      >
        <legend className="field__label">{t('admin.gates.policy.passKinds')}</legend>
        {PASS_KINDS.map((kind, index) => (
          <label key={kind} className="checkbox">
            <input
              type="checkbox"
              checked={draft.passKinds.includes(kind)}
              aria-invalid={errors.passKinds && index === 0 ? true : undefined}
              onChange={(event) =>
                update({ passKinds: event.target.checked ? [...draft.passKinds, kind] : draft.passKinds.filter((other) => other !== kind) })
              }
            />{' '}
            {t(`admin.gates.policy.kind.${kind}`)}
          </label>
        ))}
        {errors.passKinds && (
          <p className="field__error" id={`${id}-kinds-error`}>
            {errorOf('passKinds')}
          </p>
        )}
      </fieldset>
      <div className="form__row admin-policy__numbers">
        <Field
          label={t('admin.gates.policy.zone')}
          hint={t('admin.gates.policy.zoneHint')}
          inputMode="numeric"
          value={draft.zone}
          error={errorOf('zone')}
          onChange={(event) => update({ zone: event.target.value })}
        />
        <Field
          label={t('admin.gates.policy.reEntry')}
          hint={t('admin.gates.policy.reEntryHint')}
          inputMode="numeric"
          value={draft.reEntryWindowSeconds}
          error={errorOf('reEntryWindowSeconds')}
          onChange={(event) => update({ reEntryWindowSeconds: event.target.value })}
        />
      </div>
      <fieldset className="admin-policy__hours">
        <legend className="field__label">{t('admin.gates.policy.hours')}</legend>
        <p className="field__hint">{t('admin.gates.policy.hoursHint')}</p>
        {draft.hours.length === 0 && <p>{t('admin.gates.policy.alwaysOpen')}</p>}
        {draft.hours.map((row, index) => {
          const rowError = errors[`hours.${index}`];
          return (
            <div
              key={row.key}
              className="group admin-policy__row"
              role="group"
              aria-label={t('admin.gates.policy.hoursRow', { number: index + 1 })}
            >
              <div className="admin-policy__weekdays">
                {WEEKDAYS.map((day) => (
                  <label key={day} className="checkbox">
                    <input
                      type="checkbox"
                      checked={row.weekdays.includes(day)}
                      aria-invalid={rowError && day === 1 ? true : undefined}
                      onChange={(event) =>
                        updateRow(row.key, {
                          weekdays: event.target.checked ? [...row.weekdays, day] : row.weekdays.filter((other) => other !== day),
                        })
                      }
                    />{' '}
                    {t(`admin.gates.policy.weekday.${day}`)}
                  </label>
                ))}
              </div>
              <div className="form__row">
                <div className="field">
                  <label className="field__label" htmlFor={`${id}-open-${row.key}`}>
                    {t('admin.gates.policy.open')}
                  </label>
                  <input
                    id={`${id}-open-${row.key}`}
                    className="field__input"
                    type="time"
                    value={row.open}
                    onChange={(event) => updateRow(row.key, { open: event.target.value })}
                  />
                </div>
                <div className="field">
                  <label className="field__label" htmlFor={`${id}-close-${row.key}`}>
                    {t('admin.gates.policy.close')}
                  </label>
                  <input
                    id={`${id}-close-${row.key}`}
                    className="field__input"
                    type="time"
                    value={row.close}
                    onChange={(event) => updateRow(row.key, { close: event.target.value })}
                  />
                </div>
              </div>
              {rowError && <p className="field__error">{t(rowError as 'admin.gates.policy.timeInvalid')}</p>}
              <button
                type="button"
                className="button button--quiet button--small"
                onClick={() => update({ hours: draft.hours.filter((other) => other.key !== row.key) })}
              >
                {t('admin.gates.policy.removeHours', { number: index + 1 })}
              </button>
            </div>
          );
        })}
        <button
          type="button"
          className="button button--quiet button--small"
          onClick={() => update({ hours: [...draft.hours, { key: nextKey++, weekdays: [1, 2, 3, 4, 5], open: '07:00', close: '22:00' }] })}
        >
          {t('admin.gates.policy.addHours')}
        </button>
      </fieldset>
      <p className="page__note">{t('admin.gates.policy.nextBundle')}</p>
      <div className="form__actions">
        <button type="submit" className="button button--brand" disabled={busy}>
          {t('admin.gates.policy.save')}
        </button>
        <button type="button" className="button button--quiet" disabled={busy} onClick={onCancel}>
          {t('admin.cancel')}
        </button>
      </div>
    </form>
  );
}
