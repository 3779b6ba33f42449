import { useCallback, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ecard as ecardApi } from '../api/api.js';
import type { Privilege, PrivilegeInput } from '../api/ecard.js';
import { errorText } from '../forms/error-text.js';
import { useLoaded } from '../forms/use-loaded.js';
import { FormAlert } from '../forms/fields.js';
import { PageHeading } from '../layout/app-shell.js';
import { RequireSession } from '../layout/require-session.js';
import { useDocumentTitle } from '../layout/use-document-title.js';

/** The portal's limits (apps/portal/src/ecard/dto/ecard.dto.ts PrivilegeDto). */
const TITLE_MAX = 200;
const DESCRIPTION_MAX = 2000;

interface Draft {
  titleEn: string;
  titleZhHant: string;
  descriptionEn: string;
  descriptionZhHant: string;
  sortOrder: string;
  active: boolean;
}

type DraftErrors = Partial<Record<keyof Draft, string>>;

const EMPTY: Draft = { titleEn: '', titleZhHant: '', descriptionEn: '', descriptionZhHant: '', sortOrder: '0', active: true };

const toDraft = (privilege: Privilege): Draft => ({
  titleEn: privilege.titleEn,
  titleZhHant: privilege.titleZhHant,
  descriptionEn: privilege.descriptionEn,
  descriptionZhHant: privilege.descriptionZhHant,
  sortOrder: String(privilege.sortOrder),
  active: privilege.active,
});

/** Checks a draft the way the portal will; returns the input to send, or the errors by field. */
export function checkPrivilegeDraft(draft: Draft): { input?: PrivilegeInput; errors: DraftErrors } {
  const errors: DraftErrors = {};
  const titleEn = draft.titleEn.trim();
  const titleZhHant = draft.titleZhHant.trim();
  if (!titleEn) errors.titleEn = 'required';
  else if (titleEn.length > TITLE_MAX) errors.titleEn = 'tooLong200';
  if (!titleZhHant) errors.titleZhHant = 'required';
  else if (titleZhHant.length > TITLE_MAX) errors.titleZhHant = 'tooLong200';
  if (draft.descriptionEn.trim().length > DESCRIPTION_MAX) errors.descriptionEn = 'tooLong2000';
  if (draft.descriptionZhHant.trim().length > DESCRIPTION_MAX) errors.descriptionZhHant = 'tooLong2000';
  const sortOrder = Number(draft.sortOrder.trim() || '0');
  if (!/^-?\d*$/.test(draft.sortOrder.trim()) || !Number.isInteger(sortOrder) || Math.abs(sortOrder) > 100_000)
    errors.sortOrder = 'sortOrder';
  if (Object.keys(errors).length > 0) return { errors };
  return {
    errors,
    input: {
      titleEn,
      titleZhHant,
      descriptionEn: draft.descriptionEn.trim(),
      descriptionZhHant: draft.descriptionZhHant.trim(),
      sortOrder,
      active: draft.active,
    },
  };
}

export function PrivilegesPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('privileges.pageTitle'));
  return (
    <RequireSession role="aao-admin" title={t('privileges.title')}>
      <Privileges />
    </RequireSession>
  );
}

const fetchPrivileges = () => ecardApi.privileges();

function Privileges() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const describe = useCallback((failure: unknown) => errorText(t, language, failure), [t, language]);
  const { data: items, loadError, reload: load } = useLoaded(fetchPrivileges, describe);
  /** What went wrong with the last change (a load failure is `loadError`). */
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  /** 'new', a privilege id being edited, or nothing. */
  const [editing, setEditing] = useState<string>();

  const titleOf = (privilege: Privilege) => (language === 'zh-Hant' ? privilege.titleZhHant : privilege.titleEn);

  const remove = async (privilege: Privilege) => {
    if (!window.confirm(t('privileges.confirmDelete', { title: titleOf(privilege) }))) return;
    setError(undefined);
    setDone(undefined);
    try {
      await ecardApi.deletePrivilege(privilege.id);
      await load();
      setDone(t('privileges.deleted', { title: titleOf(privilege) }));
    } catch (failure) {
      setError(errorText(t, language, failure));
    }
  };

  const saved = async (privilege: Privilege) => {
    setEditing(undefined);
    setError(undefined);
    // The list first, then the message: what it announces is on the page when it shows.
    await load();
    setDone(t('privileges.saved', { title: titleOf(privilege) }));
  };

  return (
    <div className="content page page--wide">
      <PageHeading className="page__title">{t('privileges.title')}</PageHeading>
      <p className="page__intro">{t('privileges.intro')}</p>
      <FormAlert>{error ?? loadError}</FormAlert>
      <FormAlert tone="success">{done}</FormAlert>
      {items === undefined && !loadError && <p role="status">{t('common.loading')}</p>}
      {items?.length === 0 && <p>{t('privileges.empty')}</p>}
      {items && items.length > 0 && (
        <ul className="privilege-list">
          {items.map((privilege) =>
            editing === privilege.id ? (
              <li key={privilege.id} className="card">
                <PrivilegeForm privilege={privilege} onSaved={saved} onCancel={() => setEditing(undefined)} />
              </li>
            ) : (
              <li key={privilege.id} className="card privilege" data-testid="privilege">
                <h2 className="card__title">
                  {privilege.titleEn} <span lang="zh-Hant">· {privilege.titleZhHant}</span>
                </h2>
                {privilege.descriptionEn && <p>{privilege.descriptionEn}</p>}
                {privilege.descriptionZhHant && <p lang="zh-Hant">{privilege.descriptionZhHant}</p>}
                <p className="page__note">
                  {t('privileges.sortOrder')}: {privilege.sortOrder} ·{' '}
                  {privilege.active ? t('privileges.active') : t('privileges.inactive')}
                </p>
                <div className="form__actions">
                  <button type="button" className="button button--quiet button--small" onClick={() => setEditing(privilege.id)}>
                    {t('privileges.edit')}
                  </button>
                  <button type="button" className="button button--danger button--small" onClick={() => void remove(privilege)}>
                    {t('privileges.delete')}
                  </button>
                </div>
              </li>
            ),
          )}
        </ul>
      )}
      {editing === 'new' ? (
        <section className="card" aria-labelledby="privilege-new-title">
          <h2 id="privilege-new-title" className="card__title">
            {t('privileges.add')}
          </h2>
          <PrivilegeForm onSaved={saved} onCancel={() => setEditing(undefined)} />
        </section>
      ) : (
        <p>
          <button type="button" className="button button--brand" onClick={() => setEditing('new')}>
            {t('privileges.add')}
          </button>
        </p>
      )}
    </div>
  );
}

function PrivilegeForm({
  privilege,
  onSaved,
  onCancel,
}: {
  readonly privilege?: Privilege;
  readonly onSaved: (privilege: Privilege) => void | Promise<void>;
  readonly onCancel: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [draft, setDraft] = useState<Draft>(privilege ? toDraft(privilege) : EMPTY);
  const [errors, setErrors] = useState<DraftErrors>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const prefix = `privilege-${privilege?.id ?? 'new'}`;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = checkPrivilegeDraft(draft);
    setErrors(checked.errors);
    if (!checked.input) return;
    setBusy(true);
    setError(undefined);
    try {
      const result = privilege
        ? await ecardApi.updatePrivilege(privilege.id, checked.input)
        : await ecardApi.createPrivilege(checked.input);
      await onSaved(result);
    } catch (failure) {
      setError(errorText(t, i18n.resolvedLanguage, failure));
      setBusy(false);
    }
  };

  const message = (code: string | undefined) =>
    code === undefined ? undefined : code === 'sortOrder' ? t('privileges.sortOrderInvalid') : t(`profile.errors.${code as 'required'}`);

  const text = (name: 'titleEn' | 'titleZhHant' | 'descriptionEn' | 'descriptionZhHant', multiline: boolean, lang: string) => {
    const id = `${prefix}-${name}`;
    const fieldError = message(errors[name]);
    const common = {
      id,
      className: 'field__input',
      lang,
      value: draft[name],
      maxLength: multiline ? DESCRIPTION_MAX : TITLE_MAX,
      'aria-invalid': fieldError ? true : undefined,
      'aria-describedby': fieldError ? `${id}-error` : undefined,
    };
    return (
      <div className={`field${fieldError ? ' field--invalid' : ''}`}>
        <label className="field__label" htmlFor={id}>
          {t(`privileges.${name}`)}
        </label>
        {multiline ? (
          <textarea {...common} rows={3} onChange={(event) => setDraft({ ...draft, [name]: event.target.value })} />
        ) : (
          <input {...common} onChange={(event) => setDraft({ ...draft, [name]: event.target.value })} />
        )}
        {fieldError && (
          <p className="field__error" id={`${id}-error`}>
            {fieldError}
          </p>
        )}
      </div>
    );
  };

  return (
    <form className="form" onSubmit={(event) => void submit(event)} noValidate>
      <FormAlert>{error}</FormAlert>
      {text('titleEn', false, 'en')}
      {text('titleZhHant', false, 'zh-Hant')}
      {text('descriptionEn', true, 'en')}
      {text('descriptionZhHant', true, 'zh-Hant')}
      <div className={`field${errors.sortOrder ? ' field--invalid' : ''}`}>
        <label className="field__label" htmlFor={`${prefix}-sortOrder`}>
          {t('privileges.sortOrder')}
        </label>
        <input
          id={`${prefix}-sortOrder`}
          className="field__input"
          inputMode="numeric"
          value={draft.sortOrder}
          aria-invalid={errors.sortOrder ? true : undefined}
          aria-describedby={errors.sortOrder ? `${prefix}-sortOrder-error` : undefined}
          onChange={(event) => setDraft({ ...draft, sortOrder: event.target.value })}
        />
        {errors.sortOrder && (
          <p className="field__error" id={`${prefix}-sortOrder-error`}>
            {message(errors.sortOrder)}
          </p>
        )}
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={draft.active} onChange={(event) => setDraft({ ...draft, active: event.target.checked })} />
        {t('privileges.active')}
      </label>
      <div className="form__actions">
        <button type="submit" className="button button--brand" disabled={busy}>
          {t('privileges.save')}
        </button>
        <button type="button" className="button button--quiet" disabled={busy} onClick={onCancel}>
          {t('privileges.cancel')}
        </button>
      </div>
    </form>
  );
}
