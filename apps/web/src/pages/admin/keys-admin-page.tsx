import { useCallback, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { admin as adminApi, REVOKE_REASON_MAX, REVOKE_REASON_MIN, type AdminSigningKey, type KeyRotationResult } from '../../api/admin.js';
import { errorText } from '../../forms/error-text.js';
import { FormAlert, TextAreaField } from '../../forms/fields.js';
import { LoadFailed } from '../../forms/load-failed.js';
import { useLoaded } from '../../forms/use-loaded.js';
import { PageHeading } from '../../layout/app-shell.js';
import { RequireSession } from '../../layout/require-session.js';
import { useDocumentTitle } from '../../layout/use-document-title.js';
import { hasRole, useSession } from '../../session/session-context.js';
import { ConfirmAction } from './console/confirm-action.js';
import { campusDayDate, formatDateTime } from './console/format.js';

export function KeysAdminPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('admin.keys.title'));
  return (
    <RequireSession role={['aao-admin', 'auditor']} title={t('admin.keys.title')}>
      <KeysAdmin />
    </RequireSession>
  );
}

type RetireCheck = { readonly allowed: true } | { readonly allowed: false; readonly why: 'retired' | 'revoked' | 'bundle' | 'noNext' };

/** Whether the portal will retire this key (apps/portal/src/keys/keys.service.ts retire), and why not. */
export function retireCheck(key: AdminSigningKey, keys: readonly AdminSigningKey[]): RetireCheck {
  if (key.status === 'retired' || key.status === 'revoked') return { allowed: false, why: key.status };
  if (key.status === 'next') return { allowed: true };
  if (key.purpose === 'bundle') return { allowed: false, why: 'bundle' };
  return keys.some((other) => other.purpose === key.purpose && other.status === 'next')
    ? { allowed: true }
    : { allowed: false, why: 'noNext' };
}

type RevokeCheck = { readonly allowed: true } | { readonly allowed: false; readonly why: 'revoked' | 'bundle' };

/** Whether the portal will revoke this key (keys.service.ts revoke): any pass key not yet revoked; never the bundle key. */
export function revokeCheck(key: AdminSigningKey): RevokeCheck {
  if (key.purpose === 'bundle') return { allowed: false, why: 'bundle' };
  return key.status === 'revoked' ? { allowed: false, why: 'revoked' } : { allowed: true };
}

/** Revoke a compromised pass key: asks first, with the consequence for this key's status and a required reason. */
function RevokeKey({
  signingKey,
  busy,
  onRevoke,
}: {
  readonly signingKey: AdminSigningKey;
  readonly busy: boolean;
  /** True when revoked; the form stays open (with the page's error) otherwise. */
  readonly onRevoke: (reason: string) => Promise<boolean>;
}) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string>();
  if (!asking) {
    return (
      <button type="button" className="button button--small button--danger" disabled={busy} onClick={() => setAsking(true)}>
        {t('admin.keys.revoke.button', { kid: signingKey.kid })}
      </button>
    );
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = reason.trim();
    if (trimmed.length < REVOKE_REASON_MIN || trimmed.length > REVOKE_REASON_MAX) {
      setReasonError(t('admin.keys.revoke.reasonInvalid', { min: REVOKE_REASON_MIN, max: REVOKE_REASON_MAX }));
      return;
    }
    setReasonError(undefined);
    if (await onRevoke(trimmed)) {
      setAsking(false);
      setReason('');
    }
  };
  return (
    <form
      className="form admin-confirm"
      aria-label={t('admin.keys.revoke.button', { kid: signingKey.kid })}
      onSubmit={(event) => void submit(event)}
      noValidate
    >
      <p className="admin-confirm__question">
        {t(`admin.keys.revoke.question.${signingKey.status === 'revoked' ? 'retired' : signingKey.status}`, { kid: signingKey.kid })}
      </p>
      <TextAreaField
        label={t('admin.keys.revoke.reason')}
        className="field__input"
        rows={2}
        maxLength={REVOKE_REASON_MAX}
        value={reason}
        error={reasonError}
        onChange={(event) => setReason(event.target.value)}
      />
      <div className="form__actions">
        <button type="submit" className="button button--small button--danger" disabled={busy}>
          {t('admin.keys.revoke.confirm')}
        </button>
        <button type="button" className="button button--quiet button--small" disabled={busy} onClick={() => setAsking(false)}>
          {t('admin.cancel')}
        </button>
      </div>
    </form>
  );
}

const STATUS_ORDER = { next: 0, active: 1, retired: 2, revoked: 3 } as const;

function KeysAdmin() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const { state } = useSession();
  const canAdminister = hasRole(state, 'aao-admin');
  const describe = useCallback((error: unknown) => errorText(t, language, error), [t, language]);
  const fetchKeys = useCallback((signal?: AbortSignal) => adminApi.keys(signal), []);
  const { data: keys, loadError, reload } = useLoaded(fetchKeys, describe);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);

  /** True when the action succeeded (its message shown); false when it failed (the error shown). */
  const run = async (action: () => Promise<KeyRotationResult>, message: (result: KeyRotationResult) => string): Promise<boolean> => {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      const result = await action();
      // The table first, then the message: what it announces is on the page when it shows.
      await reload();
      setDone(message(result));
      return true;
    } catch (failure) {
      setError(errorText(t, language, failure));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const changesText = (result: KeyRotationResult) =>
    result.changes.length === 0
      ? t('admin.keys.nothingDue')
      : result.changes
          .map((change) =>
            t(`admin.keys.change.${change.action}`, { kid: change.key.kid, purpose: t(`admin.keys.purposeWord.${change.key.purpose}`) }),
          )
          .join(' ');

  const sorted = [...(keys ?? [])].sort(
    (a, b) =>
      a.purpose.localeCompare(b.purpose) || STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || b.createdAt.localeCompare(a.createdAt),
  );

  return (
    <div className="content page page--wide admin-page">
      <PageHeading className="page__title">{t('admin.keys.title')}</PageHeading>
      <p className="page__intro">{t('admin.keys.intro')}</p>
      {!canAdminister && <p className="page__note">{t('admin.readOnly')}</p>}
      <FormAlert>{error}</FormAlert>
      <FormAlert tone="success">{done}</FormAlert>
      {canAdminister && (
        <section className="card" aria-labelledby="rotate-title">
          <h2 id="rotate-title" className="card__title">
            {t('admin.keys.rotate.title')}
          </h2>
          <p>{t('admin.keys.rotate.explain')}</p>
          <ConfirmAction
            label={t('admin.keys.rotate.button')}
            question={t('admin.keys.rotate.question')}
            confirmLabel={t('admin.keys.rotate.confirm')}
            busy={busy}
            onConfirm={async () => void (await run(() => adminApi.rotateKeys(true), changesText))}
          />
        </section>
      )}
      {loadError && <LoadFailed message={loadError} onRetry={() => void reload()} />}
      {!keys && !loadError && <p role="status">{t('common.loading')}</p>}
      {keys && (
        <div className="table-scroll">
          <table className="table admin-table" data-testid="keys">
            <caption>{t('admin.keys.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.keys.column.kid')}</th>
                <th scope="col">{t('admin.keys.column.purpose')}</th>
                <th scope="col">{t('admin.keys.column.status')}</th>
                <th scope="col">{t('admin.keys.column.validity')}</th>
                <th scope="col">{t('admin.keys.column.created')}</th>
                {canAdminister && <th scope="col">{t('admin.keys.column.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {sorted.map((key) => {
                const check = retireCheck(key, keys);
                const revocable = revokeCheck(key);
                return (
                  <tr key={key.id} data-testid="key" data-status={key.status} data-purpose={key.purpose}>
                    <th scope="row">
                      <code>{key.kid}</code>
                    </th>
                    <td>{t(`admin.keys.purpose.${key.purpose}`)}</td>
                    <td>
                      <span className={`admin-badge admin-badge--${key.status}`}>{t(`admin.keys.status.${key.status}`)}</span>
                    </td>
                    <td>
                      {t('admin.keys.validity', { from: campusDayDate(key.notBeforeDay), to: campusDayDate(key.notAfterDay) })}
                      {key.lastSignedDay !== null && (
                        <>
                          <br />
                          <span className="muted">{t('admin.keys.lastSigned', { day: campusDayDate(key.lastSignedDay) })}</span>
                        </>
                      )}
                    </td>
                    <td className="table__number">
                      {formatDateTime(language, key.createdAt)}
                      {key.activatedAt && (
                        <>
                          <br />
                          <span className="muted">{t('admin.keys.activated', { time: formatDateTime(language, key.activatedAt) })}</span>
                        </>
                      )}
                      {key.retiredAt && (
                        <>
                          <br />
                          <span className="muted">{t('admin.keys.retired', { time: formatDateTime(language, key.retiredAt) })}</span>
                        </>
                      )}
                      {key.revokedAt && (
                        <>
                          <br />
                          <span className="muted" data-testid="key-revoked">
                            {t('admin.keys.revokedAt', {
                              time: formatDateTime(language, key.revokedAt),
                              reason: key.revocationReason ?? '',
                            })}
                          </span>
                        </>
                      )}
                    </td>
                    {canAdminister && (
                      <td>
                        {check.allowed ? (
                          <ConfirmAction
                            label={t('admin.keys.retire.button', { kid: key.kid })}
                            question={key.status === 'next' ? t('admin.keys.retire.questionNext') : t('admin.keys.retire.questionActive')}
                            confirmLabel={t('admin.keys.retire.confirm')}
                            danger
                            busy={busy}
                            onConfirm={async () => void (await run(() => adminApi.retireKey(key.id), changesText))}
                          />
                        ) : (
                          <span className="muted">{t(`admin.keys.retire.not.${check.why}`)}</span>
                        )}
                        {revocable.allowed ? (
                          <RevokeKey
                            signingKey={key}
                            busy={busy}
                            onRevoke={(reason) => run(() => adminApi.revokeKey(key.id, reason), changesText)}
                          />
                        ) : (
                          revocable.why === 'bundle' && <p className="muted">{t('admin.keys.revoke.not.bundle')}</p>
                        )}
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
