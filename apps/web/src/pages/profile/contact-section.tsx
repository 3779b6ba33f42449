import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { profile as profileApi } from '../../api/api.js';
import { PHONE_TYPES, PREFERRED_LANGUAGES, PROFILE_LIMITS, type Contact, type ContactUpdate, type PhoneType } from '../../api/profile.js';
import { Field, FormAlert, focusFirstInvalid } from '../../forms/fields.js';
import { phoneDigits, validateContact, type ContactDraft } from './profile-validation.js';
import { Section, SectionAlert, SelectField, useFieldError, useSaveProblem, type SaveProblem } from './section-parts.js';

interface Draft extends ContactDraft {
  preferredLanguage: 'en' | 'zh-Hant';
  newsConsent: boolean;
}

function toDraft(contact: Contact): Draft {
  return {
    additionalEmails: [...contact.additionalEmails],
    phones: contact.phones.map((phone) => ({ type: phone.type, countryCode: phone.countryCode ?? '', number: phone.number })),
    addressLines: Array.from({ length: PROFILE_LIMITS.addressLines }, (_, index) => contact.address.lines[index] ?? ''),
    city: contact.address.city ?? '',
    region: contact.address.region ?? '',
    country: contact.address.country ?? '',
    preferredLanguage: contact.preferredLanguage,
    newsConsent: contact.newsConsent,
  };
}

function toUpdate(draft: Draft, version: number): ContactUpdate {
  const text = (value: string) => (value.trim() ? value.trim() : null);
  return {
    version,
    additionalEmails: draft.additionalEmails.map((email) => email.trim().toLowerCase()),
    phones: draft.phones.map((phone) => {
      const code = phone.countryCode.trim().replace(/^\+?/, '+');
      return { type: phone.type as PhoneType, countryCode: code === '+' ? null : code, number: phoneDigits(phone.number) };
    }),
    address: {
      lines: draft.addressLines.map((line) => line.trim()).filter(Boolean),
      city: text(draft.city),
      region: text(draft.region),
      country: text(draft.country),
    },
    preferredLanguage: draft.preferredLanguage,
    newsConsent: draft.newsConsent,
  };
}

function fieldNames(draft: Draft): string[] {
  return [
    ...draft.phones.flatMap((_, index) => [`phones.${index}.number`, `phones.${index}.countryCode`, `phones.${index}.type`]),
    ...draft.additionalEmails.map((_, index) => `additionalEmails.${index}`),
    'address.city',
    'address.region',
    'address.country',
    'preferredLanguage',
    'newsConsent',
  ];
}

export function formatPhone(phone: { countryCode: string | null; number: string }): string {
  return [phone.countryCode, phone.number].filter(Boolean).join(' ');
}

/** Contact details: phones, other emails, address, language and news consent; saved as one. */
export function ContactSection({
  contact,
  onSaved,
  onReload,
}: {
  readonly contact: Contact;
  readonly onSaved: (contact: Contact) => void;
  readonly onReload: () => void;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Draft>();
  const [problem, setProblem] = useState<SaveProblem>();
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const toProblem = useSaveProblem();
  const fieldError = useFieldError(problem?.fields ?? {});

  const edit = () => {
    setDraft(toDraft(contact));
    setProblem(undefined);
    setSaved(false);
  };
  const close = () => {
    setDraft(undefined);
    setProblem(undefined);
    requestAnimationFrame(() => editButton.current?.focus());
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!draft) return;
    const errors = validateContact(draft);
    if (Object.keys(errors).length > 0) {
      setProblem({ fields: errors, message: t('profile.fixFields') });
      requestAnimationFrame(() => focusFirstInvalid(form.current));
      return;
    }
    setBusy(true);
    setProblem(undefined);
    try {
      const result = await profileApi.updateContact(toUpdate(draft, contact.version));
      onSaved(result);
      setSaved(true);
      close();
    } catch (error) {
      setProblem(toProblem(error, fieldNames(draft)));
      requestAnimationFrame(() => focusFirstInvalid(form.current));
    } finally {
      setBusy(false);
    }
  };

  const update = (change: Partial<Draft>) => setDraft((current) => (current ? { ...current, ...change } : current));
  const reload = () => {
    setDraft(undefined);
    setProblem(undefined);
    onReload();
  };

  const address = [...contact.address.lines, contact.address.city, contact.address.region, contact.address.country].filter(Boolean);

  return (
    <Section
      id="contact"
      title={t('profile.contact.title')}
      actions={
        !draft && (
          <button ref={editButton} type="button" className="button button--small button--quiet" onClick={edit}>
            {t('profile.edit')}
            <span className="visually-hidden"> {t('profile.contact.title')}</span>
          </button>
        )
      }
    >
      {saved && <FormAlert tone="success">{t('profile.saved')}</FormAlert>}
      {!draft ? (
        <>
          <dl className="facts">
            <div>
              <dt>{t('profile.contact.phones')}</dt>
              <dd data-testid="contact-phones">
                {contact.phones.length === 0 ? (
                  <span className="muted">{t('profile.none')}</span>
                ) : (
                  <ul className="plain-list">
                    {contact.phones.map((phone, index) => (
                      <li key={index}>
                        {t(`profile.phoneTypes.${phone.type}`)}: {formatPhone(phone)}
                      </li>
                    ))}
                  </ul>
                )}
              </dd>
            </div>
            <div>
              <dt>{t('profile.contact.additionalEmails')}</dt>
              <dd>
                {contact.additionalEmails.length === 0 ? (
                  <span className="muted">{t('profile.none')}</span>
                ) : (
                  contact.additionalEmails.join(', ')
                )}
              </dd>
            </div>
            <div>
              <dt>{t('profile.contact.address')}</dt>
              <dd>{address.length === 0 ? <span className="muted">{t('profile.none')}</span> : address.join(', ')}</dd>
            </div>
            <div>
              <dt>{t('profile.contact.preferredLanguage')}</dt>
              <dd>{t(`language.${contact.preferredLanguage}`)}</dd>
            </div>
            <div>
              <dt>{t('profile.contact.news')}</dt>
              <dd>{contact.newsConsent ? t('profile.contact.newsYes') : t('profile.contact.newsNo')}</dd>
            </div>
          </dl>
        </>
      ) : (
        <form ref={form} className="form" onSubmit={(event) => void save(event)} noValidate>
          <SectionAlert problem={problem} onReload={reload} />
          <fieldset className="group">
            <legend className="group__title">{t('profile.contact.phones')}</legend>
            {draft.phones.length === 0 && <p className="muted">{t('profile.none')}</p>}
            {draft.phones.map((phone, index) => (
              <div key={index} className="group__row" role="group" aria-label={t('profile.contact.phoneN', { n: index + 1 })}>
                <SelectField
                  label={t('profile.contact.phoneType')}
                  value={phone.type}
                  options={PHONE_TYPES.map((type) => ({ value: type, label: t(`profile.phoneTypes.${type}`) }))}
                  onChange={(event) =>
                    update({ phones: draft.phones.map((p, i) => (i === index ? { ...p, type: event.target.value } : p)) })
                  }
                />
                <Field
                  label={t('profile.contact.countryCode')}
                  optional={t('fields.optional')}
                  error={fieldError(`phones.${index}.countryCode`)}
                  className="field--short"
                  inputMode="tel"
                  placeholder="+852"
                  value={phone.countryCode}
                  onChange={(event) =>
                    update({ phones: draft.phones.map((p, i) => (i === index ? { ...p, countryCode: event.target.value } : p)) })
                  }
                />
                <Field
                  label={t('profile.contact.phoneNumber')}
                  error={fieldError(`phones.${index}.number`)}
                  type="tel"
                  inputMode="tel"
                  autoComplete="tel-national"
                  name={`phone-${index}`}
                  value={phone.number}
                  onChange={(event) =>
                    update({ phones: draft.phones.map((p, i) => (i === index ? { ...p, number: event.target.value } : p)) })
                  }
                />
                <button
                  type="button"
                  className="button button--small button--quiet group__remove"
                  onClick={() => update({ phones: draft.phones.filter((_, i) => i !== index) })}
                >
                  {t('profile.remove')}
                  <span className="visually-hidden"> {t('profile.contact.phoneN', { n: index + 1 })}</span>
                </button>
              </div>
            ))}
            {draft.phones.length < PROFILE_LIMITS.phones && (
              <button
                type="button"
                className="button button--small button--quiet"
                onClick={() => update({ phones: [...draft.phones, { type: 'mobile', countryCode: '+852', number: '' }] })}
              >
                {t('profile.contact.addPhone')}
              </button>
            )}
          </fieldset>

          <fieldset className="group">
            <legend className="group__title">{t('profile.contact.additionalEmails')}</legend>
            <p className="field__hint">{t('profile.contact.additionalEmailsHint')}</p>
            {draft.additionalEmails.map((email, index) => (
              <div key={index} className="group__row">
                <Field
                  label={t('profile.contact.emailN', { n: index + 1 })}
                  error={fieldError(`additionalEmails.${index}`)}
                  type="email"
                  inputMode="email"
                  value={email}
                  onChange={(event) =>
                    update({ additionalEmails: draft.additionalEmails.map((e, i) => (i === index ? event.target.value : e)) })
                  }
                />
                <button
                  type="button"
                  className="button button--small button--quiet group__remove"
                  onClick={() => update({ additionalEmails: draft.additionalEmails.filter((_, i) => i !== index) })}
                >
                  {t('profile.remove')}
                  <span className="visually-hidden"> {t('profile.contact.emailN', { n: index + 1 })}</span>
                </button>
              </div>
            ))}
            {draft.additionalEmails.length < PROFILE_LIMITS.additionalEmails && (
              <button
                type="button"
                className="button button--small button--quiet"
                onClick={() => update({ additionalEmails: [...draft.additionalEmails, ''] })}
              >
                {t('profile.contact.addEmail')}
              </button>
            )}
          </fieldset>

          <fieldset className="group">
            <legend className="group__title">{t('profile.contact.address')}</legend>
            {draft.addressLines.map((line, index) => (
              <Field
                key={index}
                label={t('profile.contact.addressLine', { n: index + 1 })}
                error={fieldError(`address.lines.${index}`)}
                autoComplete={`address-line${Math.min(index + 1, 3)}`}
                value={line}
                onChange={(event) => update({ addressLines: draft.addressLines.map((l, i) => (i === index ? event.target.value : l)) })}
              />
            ))}
            <Field
              label={t('profile.contact.city')}
              error={fieldError('address.city')}
              autoComplete="address-level2"
              value={draft.city}
              onChange={(event) => update({ city: event.target.value })}
            />
            <Field
              label={t('profile.contact.region')}
              error={fieldError('address.region')}
              autoComplete="address-level1"
              value={draft.region}
              onChange={(event) => update({ region: event.target.value })}
            />
            <Field
              label={t('profile.contact.country')}
              error={fieldError('address.country')}
              autoComplete="country-name"
              value={draft.country}
              onChange={(event) => update({ country: event.target.value })}
            />
          </fieldset>

          <SelectField
            label={t('profile.contact.preferredLanguage')}
            value={draft.preferredLanguage}
            options={PREFERRED_LANGUAGES.map((language) => ({ value: language, label: t(`language.${language}`) }))}
            onChange={(event) => update({ preferredLanguage: event.target.value === 'zh-Hant' ? 'zh-Hant' : 'en' })}
          />
          <label className="checkbox">
            <input type="checkbox" checked={draft.newsConsent} onChange={(event) => update({ newsConsent: event.target.checked })} />
            <span>{t('profile.contact.newsConsent')}</span>
          </label>

          <div className="form__actions">
            <button type="submit" className="button button--brand" disabled={busy}>
              {t('profile.contact.save')}
            </button>
            <button type="button" className="button button--quiet" onClick={close} disabled={busy}>
              {t('profile.cancel')}
            </button>
          </div>
        </form>
      )}
    </Section>
  );
}
