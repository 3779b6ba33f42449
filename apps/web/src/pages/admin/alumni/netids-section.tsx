import { useCallback, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { adminAlumni, type AlumniPersonNetIds } from '../../../api/admin-alumni.js';
import { errorText } from '../../../forms/error-text.js';
import { FormAlert } from '../../../forms/fields.js';
import { LoadFailed } from '../../../forms/load-failed.js';
import { useLoaded } from '../../../forms/use-loaded.js';

/**
 * Issue 7: every NetID of the person and which one is the Alumni NetID; an AAO admin can confirm another one
 * (PUT /api/staff/netids/:graduateId/alumni-netid, audited). Auditors see it read-only.
 */
export function NetIdsSection({ graduateId, canConfirm }: { readonly graduateId: string; readonly canConfirm: boolean }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const fetch = useCallback((signal?: AbortSignal) => adminAlumni.netIds(graduateId, signal), [graduateId]);
  const describe = useCallback((error: unknown) => errorText(t, language, error), [t, language]);
  const { data, setData, loadError, reload } = useLoaded<AlumniPersonNetIds>(fetch, describe);
  const [choice, setChoice] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<string>();

  const candidates = data?.netIds.filter((item) => !item.confirmed) ?? [];
  const selected = choice && candidates.some((item) => item.netId === choice) ? choice : candidates[0]?.netId;

  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    if (!selected) return;
    setBusy(true);
    setError(undefined);
    setMessage(undefined);
    try {
      const result = await adminAlumni.confirmAlumniNetId(graduateId, selected);
      setData(result);
      setMessage(t('alumniAdmin.netIds.done', { netId: result.confirmedNetId ?? selected }));
    } catch (failure) {
      setError(errorText(t, language, failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card aao-section" aria-labelledby="aao-netids">
      <h2 className="card__title" id="aao-netids">
        {t('alumniAdmin.detail.netIds')}
      </h2>
      <p className="aao-muted">{t('alumniAdmin.netIds.intro')}</p>
      {loadError && <LoadFailed message={loadError} onRetry={() => void reload()} />}
      {!data && !loadError && <p role="status">{t('common.loading')}</p>}
      {data && data.netIds.length === 0 && <p>{t('alumniAdmin.netIds.none')}</p>}
      {data && data.netIds.length > 0 && (
        <>
          <ul className="aao-netids" data-testid="netid-list">
            {data.netIds.map((item) => (
              <li key={`${item.kind}-${item.netId}`} className="aao-netid" data-confirmed={item.confirmed ? 'true' : 'false'}>
                <strong className="aao-netid__id">{item.netId}</strong>{' '}
                <span>
                  {t(`alumniAdmin.netIds.kind.${item.kind}`)} · {t('alumniAdmin.netIds.studentNumber', { value: item.studentNumber })}
                </span>
                {item.confirmed && <span className="aao-badge">{t('alumniAdmin.netIds.confirmed')}</span>}
              </li>
            ))}
          </ul>
          <p data-testid="confirmed-netid">
            {data.confirmedNetId
              ? t('alumniAdmin.netIds.confirmedIs', { netId: data.confirmedNetId })
              : t('alumniAdmin.netIds.notConfirmed')}
          </p>
          <FormAlert tone="success">{message}</FormAlert>
          <FormAlert>{error}</FormAlert>
          {canConfirm && candidates.length > 0 && (
            <form className="form aao-inline-form" onSubmit={(event) => void confirm(event)} noValidate>
              <div className="field">
                <label className="field__label" htmlFor="aao-netid-choice">
                  {t('alumniAdmin.netIds.choose')}
                </label>
                <select id="aao-netid-choice" className="field__input" value={selected} onChange={(event) => setChoice(event.target.value)}>
                  {candidates.map((item) => (
                    <option key={`${item.kind}-${item.netId}`} value={item.netId}>
                      {item.netId} ({t(`alumniAdmin.netIds.kind.${item.kind}`)})
                    </option>
                  ))}
                </select>
              </div>
              <div className="form__actions">
                <button type="submit" className="button button--brand" disabled={busy}>
                  {t('alumniAdmin.netIds.confirm')}
                </button>
              </div>
            </form>
          )}
          {!canConfirm && <p className="aao-muted">{t('alumniAdmin.netIds.readOnly')}</p>}
        </>
      )}
    </section>
  );
}
