import { useCallback, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { admin as adminApi, STAFF_ROLE_NAMES, type CreatedStaffMember, type StaffMember, type StaffRoleName } from '../../api/admin.js';
import { errorText } from '../../forms/error-text.js';
import { EmailField, Field, FormAlert, emailProblem } from '../../forms/fields.js';
import { LoadFailed } from '../../forms/load-failed.js';
import { useLoaded } from '../../forms/use-loaded.js';
import { PageHeading } from '../../layout/app-shell.js';
import { RequireSession } from '../../layout/require-session.js';
import { useDocumentTitle } from '../../layout/use-document-title.js';
import { useSession } from '../../session/session-context.js';
import { ConfirmAction } from './console/confirm-action.js';
import { CopyButton } from './console/copy-button.js';
import { formatDateTime } from './console/format.js';

const NAME_MAX = 200;

export function StaffAdminPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('admin.staff.title'));
  return (
    <RequireSession role="aao-admin" title={t('admin.staff.title')}>
      <StaffAdmin />
    </RequireSession>
  );
}

function StaffAdmin() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const { state } = useSession();
  const selfId = state.status === 'ready' ? state.session.subject?.id : undefined;
  const describe = useCallback((error: unknown) => errorText(t, language, error), [t, language]);
  const fetchStaff = useCallback((signal?: AbortSignal) => adminApi.staff(signal), []);
  const { data: staff, loadError, reload } = useLoaded(fetchStaff, describe);
  const [created, setCreated] = useState<CreatedStaffMember>();
  const [done, setDone] = useState<string>();

  return (
    <div className="content page page--wide admin-page">
      <PageHeading className="page__title">{t('admin.staff.title')}</PageHeading>
      <p className="page__intro">{t('admin.staff.intro')}</p>
      <FormAlert tone="success">{done}</FormAlert>
      {created && <CreatedPassword member={created} onDismiss={() => setCreated(undefined)} />}
      <CreateStaffForm
        onCreated={async (member) => {
          setDone(undefined);
          // The password is shown only now: at once, whatever the table's reload does.
          setCreated(member);
          await reload();
        }}
      />
      {loadError && <LoadFailed message={loadError} onRetry={() => void reload()} />}
      {!staff && !loadError && <p role="status">{t('common.loading')}</p>}
      {staff && (
        <div className="table-scroll">
          <table className="table admin-table">
            <caption>{t('admin.staff.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.staff.column.name')}</th>
                <th scope="col">{t('admin.staff.column.role')}</th>
                <th scope="col">{t('admin.staff.column.status')}</th>
                <th scope="col">{t('admin.staff.column.created')}</th>
                <th scope="col">{t('admin.staff.column.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {staff.map((member) => (
                <StaffRow
                  key={member.id}
                  member={member}
                  self={member.id === selfId}
                  onChanged={async (message) => {
                    setCreated(undefined);
                    // The table first, then the message: what it announces is on the page when it shows.
                    await reload();
                    setDone(message);
                  }}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function CreatedPassword({ member, onDismiss }: { readonly member: CreatedStaffMember; readonly onDismiss: () => void }) {
  const { t } = useTranslation();
  return (
    <section className="card admin-code" aria-labelledby="created-staff-title" data-testid="created-staff">
      <h2 id="created-staff-title" className="card__title">
        {t('admin.staff.created.title', { name: member.name })}
      </h2>
      <p className="form-alert form-alert--info">{t('admin.staff.created.once')}</p>
      <p className="admin-code__value">
        <code aria-label={t('admin.staff.created.passwordLabel')}>{member.password}</code>{' '}
        <CopyButton text={member.password} label={t('admin.staff.created.copy')} />
      </p>
      <p>{t('admin.staff.created.howToSignIn', { email: member.email, path: '/staff/sign-in' })}</p>
      <button type="button" className="button button--quiet button--small" onClick={onDismiss}>
        {t('admin.staff.created.dismiss')}
      </button>
    </section>
  );
}

function RoleSelect({
  id,
  value,
  onChange,
  label,
  hidden = false,
}: {
  readonly id: string;
  readonly value: StaffRoleName;
  readonly onChange: (role: StaffRoleName) => void;
  readonly label: string;
  readonly hidden?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <>
      <label className={hidden ? 'visually-hidden' : 'field__label'} htmlFor={id}>
        {label}
      </label>
      <select id={id} className="field__input" value={value} onChange={(event) => onChange(event.target.value as StaffRoleName)}>
        {STAFF_ROLE_NAMES.map((role) => (
          <option key={role} value={role}>
            {t(`admin.role.${role}`)}
          </option>
        ))}
      </select>
    </>
  );
}

function CreateStaffForm({ onCreated }: { readonly onCreated: (member: CreatedStaffMember) => Promise<void> }) {
  const { t, i18n } = useTranslation();
  const roleId = useId();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<StaffRoleName>('security-staff');
  const [errors, setErrors] = useState<{ email?: string; name?: string }>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const found = {
      email: emailProblem(t, email.trim()),
      name: !name.trim() || name.trim().length > NAME_MAX ? t('admin.staff.create.nameInvalid') : undefined,
    };
    setErrors(found);
    if (found.email || found.name) {
      requestAnimationFrame(() => form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    setError(undefined);
    setBusy(true);
    try {
      const member = await adminApi.createStaff({ email: email.trim(), name: name.trim(), role });
      setEmail('');
      setName('');
      await onCreated(member);
    } catch (failure) {
      setError(errorText(t, i18n.resolvedLanguage, failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="create-staff-title">
      <h2 id="create-staff-title" className="card__title">
        {t('admin.staff.create.title')}
      </h2>
      <p>{t('admin.staff.create.explain')}</p>
      <FormAlert>{error}</FormAlert>
      <form className="form" onSubmit={(event) => void submit(event)} noValidate>
        <EmailField
          label={t('admin.staff.create.email')}
          value={email}
          error={errors.email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <Field
          label={t('admin.staff.create.name')}
          value={name}
          maxLength={NAME_MAX}
          autoComplete="off"
          error={errors.name}
          onChange={(event) => setName(event.target.value)}
        />
        <div className="field">
          <RoleSelect id={roleId} value={role} onChange={setRole} label={t('admin.staff.create.role')} />
        </div>
        <div className="form__actions">
          <button type="submit" className="button button--brand" disabled={busy}>
            {t('admin.staff.create.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

function StaffRow({
  member,
  self,
  onChanged,
}: {
  readonly member: StaffMember;
  readonly self: boolean;
  readonly onChanged: (message: string) => Promise<void>;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const roleId = useId();
  const [role, setRole] = useState<StaffRoleName>(member.role);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const change = async (body: { role?: StaffRoleName; active?: boolean }, message: string) => {
    setBusy(true);
    setError(undefined);
    try {
      await adminApi.updateStaff(member.id, body);
      await onChanged(message);
    } catch (failure) {
      setError(errorText(t, language, failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <tr data-testid="staff-member" data-email={member.email}>
      <th scope="row">
        {member.name}
        {self && <span className="muted"> {t('admin.staff.you')}</span>}
        <br />
        <span className="muted">{member.email}</span>
      </th>
      <td>{t(`admin.role.${member.role}`)}</td>
      <td>
        <span className={`admin-badge admin-badge--${member.active ? 'active' : 'inactive'}`}>
          {member.active ? t('admin.staff.active') : t('admin.staff.inactive')}
        </span>
      </td>
      <td className="table__number">{formatDateTime(language, member.createdAt)}</td>
      <td>
        {self ? (
          <span className="muted">{t('admin.staff.selfNote')}</span>
        ) : (
          <div className="admin-staff-actions">
            <FormAlert>{error}</FormAlert>
            {member.active && (
              <div className="admin-staff-actions__role">
                <RoleSelect id={roleId} value={role} onChange={setRole} label={t('admin.staff.roleFor', { name: member.name })} hidden />
                <button
                  type="button"
                  className="button button--quiet button--small"
                  disabled={busy || role === member.role}
                  onClick={() => void change({ role }, t('admin.staff.roleChanged', { name: member.name, role: t(`admin.role.${role}`) }))}
                >
                  {t('admin.staff.changeRole')}
                </button>
              </div>
            )}
            {member.active ? (
              <ConfirmAction
                label={t('admin.staff.deactivate')}
                question={t('admin.staff.deactivateQuestion', { name: member.name })}
                confirmLabel={t('admin.staff.deactivateConfirm')}
                danger
                busy={busy}
                onConfirm={() => change({ active: false }, t('admin.staff.deactivated', { name: member.name }))}
              />
            ) : (
              <button
                type="button"
                className="button button--quiet button--small"
                disabled={busy}
                onClick={() => void change({ active: true }, t('admin.staff.reactivated', { name: member.name }))}
              >
                {t('admin.staff.reactivate')}
              </button>
            )}
          </div>
        )}
      </td>
    </tr>
  );
}
