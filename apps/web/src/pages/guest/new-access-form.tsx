import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client.js';
import {
  defaultGuestDate,
  guestErrorField,
  guestNames,
  isDateInRange,
  type GuestFormField,
  type GuestPass,
  type GuestPolicy,
} from '../../api/passes.js';
import { FormAlert, focusFirstInvalid } from '../../forms/fields.js';
import { guestErrorText, guestPasses } from './guest-api.js';

type FieldErrors = Partial<Record<GuestFormField, string>>;

/**
 * FAQ 21 "New Campus Access": access date (today … the policy limit ahead), purpose, and one or more guest
 * names (at most the policy's limit per day). Checked here first; the portal's answer is shown beside the
 * field it concerns.
 */
export function NewAccessForm({
  policy,
  onCreated,
  onClose,
  onNotActive,
}: {
  readonly policy: GuestPolicy;
  readonly onCreated: (created: GuestPass[]) => void;
  readonly onClose: () => void;
  /** The portal says there is no active eCard: the page explains where to activate it. */
  readonly onNotActive: () => void;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const id = useId();
  const form = useRef<HTMLFormElement>(null);
  const [date, setDate] = useState(() => defaultGuestDate(policy));
  const [purpose, setPurpose] = useState('');
  const [rows, setRows] = useState<string[]>(['']);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const rowKeys = useRef<number[]>([0]);
  const nextKey = useRef(1);

  const range = { first: policy.firstDate, last: policy.lastDate };

  const check = (): FieldErrors => {
    const found: FieldErrors = {};
    if (!isDateInRange(date, policy.firstDate, policy.lastDate)) found.date = t('guests.dateOutOfRange', range);
    if (!purpose) found.purpose = t('guests.purposeRequired');
    const names = guestNames(rows);
    if (names.length === 0) found.guests = t('guests.guestsRequired');
    else if (names.length > policy.maxGuestsPerDay) found.guests = t('guests.guestsTooMany', { max: policy.maxGuestsPerDay });
    return found;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFormError(undefined);
    const found = check();
    setErrors(found);
    if (Object.keys(found).length > 0) {
      requestAnimationFrame(() => focusFirstInvalid(form.current));
      return;
    }
    setBusy(true);
    try {
      onCreated(await guestPasses.create({ date, purpose, guests: guestNames(rows) }));
    } catch (error) {
      if (isApiError(error) && error.code === 'ecard-not-active') onNotActive();
      const text = guestErrorText(t, language, error);
      const field = isApiError(error) ? guestErrorField(error.code, error.messages) : undefined;
      if (field) {
        setErrors({ [field]: text });
        requestAnimationFrame(() => focusFirstInvalid(form.current));
      } else {
        setFormError(text);
      }
    } finally {
      setBusy(false);
    }
  };

  const setRow = (index: number, value: string) => setRows((current) => current.map((row, at) => (at === index ? value : row)));
  const addRow = () => {
    rowKeys.current = [...rowKeys.current, nextKey.current++];
    setRows((current) => [...current, '']);
    requestAnimationFrame(() => document.getElementById(`${id}-guest-${rows.length}`)?.focus());
  };
  const removeRow = (index: number) => {
    rowKeys.current = rowKeys.current.filter((_, at) => at !== index);
    setRows((current) => current.filter((_, at) => at !== index));
  };

  const describedBy = (field: GuestFormField, hint?: string) =>
    [hint, errors[field] ? `${id}-${field}-error` : undefined].filter(Boolean).join(' ') || undefined;

  return (
    <form ref={form} className="form card guest-form" onSubmit={(event) => void submit(event)} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="card__title">
        {t('guests.newTitle')}
      </h2>
      <FormAlert>{formError}</FormAlert>

      <div className={`field${errors.date ? ' field--invalid' : ''}`}>
        <label className="field__label" htmlFor={`${id}-date`}>
          {t('guests.date')}
        </label>
        <p className="field__hint" id={`${id}-date-hint`}>
          {t('guests.dateHint', range)}
        </p>
        <input
          id={`${id}-date`}
          className="field__input"
          type="date"
          name="date"
          required
          min={policy.firstDate}
          max={policy.lastDate}
          value={date}
          aria-invalid={errors.date ? true : undefined}
          aria-describedby={describedBy('date', `${id}-date-hint`)}
          onChange={(event) => setDate(event.target.value)}
        />
        {errors.date && (
          <p className="field__error" id={`${id}-date-error`}>
            {errors.date}
          </p>
        )}
      </div>

      <div className={`field${errors.purpose ? ' field--invalid' : ''}`}>
        <label className="field__label" htmlFor={`${id}-purpose`}>
          {t('guests.purpose')}
        </label>
        <select
          id={`${id}-purpose`}
          className="field__input"
          name="purpose"
          required
          value={purpose}
          aria-invalid={errors.purpose ? true : undefined}
          aria-describedby={describedBy('purpose')}
          onChange={(event) => setPurpose(event.target.value)}
        >
          <option value="">{t('guests.purposeChoose')}</option>
          {policy.purposes.map((item) => (
            <option key={item} value={item}>
              {item}
            </option>
          ))}
        </select>
        {errors.purpose && (
          <p className="field__error" id={`${id}-purpose-error`}>
            {errors.purpose}
          </p>
        )}
      </div>

      <fieldset className={`field guest-form__guests${errors.guests ? ' field--invalid' : ''}`} aria-describedby={`${id}-guests-hint`}>
        <legend className="field__label">{t('guests.guestsLegend')}</legend>
        <p className="field__hint" id={`${id}-guests-hint`}>
          {t('guests.guestsHint', { max: policy.maxGuestsPerDay })}
        </p>
        {rows.map((row, index) => (
          <div className="guest-form__row" key={rowKeys.current[index]}>
            <label className="visually-hidden" htmlFor={`${id}-guest-${index}`}>
              {t('guests.guestName', { number: index + 1 })}
            </label>
            <input
              id={`${id}-guest-${index}`}
              className="field__input"
              type="text"
              name="guests"
              autoComplete="off"
              maxLength={100}
              value={row}
              placeholder={t('guests.guestName', { number: index + 1 })}
              aria-invalid={errors.guests ? true : undefined}
              aria-describedby={describedBy('guests')}
              onChange={(event) => setRow(index, event.target.value)}
            />
            {rows.length > 1 && (
              <button type="button" className="button button--quiet button--small" onClick={() => removeRow(index)}>
                {t('guests.removeGuest', { number: index + 1 })}
              </button>
            )}
          </div>
        ))}
        {errors.guests && (
          <p className="field__error" id={`${id}-guests-error`}>
            {errors.guests}
          </p>
        )}
        {rows.length < policy.maxGuestsPerDay && (
          <p>
            <button type="button" className="button button--quiet button--small" onClick={addRow}>
              {t('guests.addGuest')}
            </button>
          </p>
        )}
      </fieldset>

      <div className="form__actions">
        <button type="submit" className="button button--brand" disabled={busy}>
          {t('guests.save')}
        </button>
        <button type="button" className="button button--quiet" onClick={onClose}>
          {t('guests.close')}
        </button>
      </div>
    </form>
  );
}
