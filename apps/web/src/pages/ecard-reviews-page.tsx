import { useCallback, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ecard as ecardApi } from '../api/api.js';
import type { AdminEcard, ReviewItem } from '../api/ecard.js';
import { errorText } from '../forms/error-text.js';
import { useLoaded } from '../forms/use-loaded.js';
import { FormAlert } from '../forms/fields.js';
import { PageHeading } from '../layout/app-shell.js';
import { RequireSession } from '../layout/require-session.js';
import { useDocumentTitle } from '../layout/use-document-title.js';

/** The portal's limits for a reason (apps/portal/src/ecard/dto/ecard.dto.ts ReasonDto). */
export const REASON_MIN = 3;
export const REASON_MAX = 1000;

export function validReason(reason: string): boolean {
  const length = reason.trim().length;
  return length >= REASON_MIN && length <= REASON_MAX;
}

/** AAO: the photo review queue, and revoke/reinstate an eCard by its id. */
export function EcardReviewsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('reviews.pageTitle'));
  return (
    <RequireSession role="aao-admin" title={t('reviews.title')}>
      <Reviews />
    </RequireSession>
  );
}

const fullName = (item: { name: { givenName: string; surname: string } }) => `${item.name.givenName} ${item.name.surname}`;

const fetchReviews = () => ecardApi.reviews();

function Reviews() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const describe = useCallback((failure: unknown) => errorText(t, language, failure), [t, language]);
  const { data: items, setData: setItems, loadError: error, reload: load } = useLoaded(fetchReviews, describe);
  const [done, setDone] = useState<string>();

  return (
    <div className="content page page--wide">
      <PageHeading className="page__title">{t('reviews.title')}</PageHeading>
      <p className="page__intro">{t('reviews.intro')}</p>
      <FormAlert>{error}</FormAlert>
      <FormAlert tone="success">{done}</FormAlert>
      <p>
        <button type="button" className="button button--quiet button--small" onClick={() => void load()}>
          {t('reviews.refresh')}
        </button>
      </p>
      {items === undefined && !error && <p role="status">{t('common.loading')}</p>}
      {items?.length === 0 && <p role="status">{t('reviews.empty')}</p>}
      {items && items.length > 0 && (
        <ul className="review-list">
          {items.map((item) => (
            <ReviewCard
              key={item.photoId}
              item={item}
              onDone={(message) => {
                setDone(message);
                setItems((current) => current?.filter((other) => other.photoId !== item.photoId));
              }}
            />
          ))}
        </ul>
      )}
      <EcardStatusForm />
    </div>
  );
}

function ReviewCard({ item, onDone }: { readonly item: ReviewItem; readonly onDone: (message: string) => void }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const name = fullName(item);
  const prefix = `review-${item.photoId}`;

  const act = async (action: () => Promise<unknown>, message: string) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      onDone(message);
    } catch (failure) {
      setError(errorText(t, language, failure));
      setBusy(false);
    }
  };

  const reject = (event: FormEvent) => {
    event.preventDefault();
    if (!validReason(reason)) {
      setReasonError(t('reviews.reasonRequired'));
      return;
    }
    setReasonError(undefined);
    void act(() => ecardApi.reject(item.photoId, reason.trim()), t('reviews.rejected', { name }));
  };

  return (
    <li className="card review" aria-labelledby={`${prefix}-name`} data-testid="review-item">
      <div className="review__photos">
        <figure>
          <a href={item.photoUrl} target="_blank" rel="noopener" aria-label={`${t('reviews.openPhoto')}: ${name}`}>
            <img src={item.thumbnail} alt={t('reviews.photo', { name })} width="120" height="160" />
          </a>
          <figcaption>
            <span className={`badge badge--${item.kind}`}>{t(`reviews.kind.${item.kind}`)}</span>
          </figcaption>
        </figure>
        {item.previousThumbnail && (
          <figure>
            <img src={item.previousThumbnail} alt={t('reviews.previous')} width="120" height="160" />
            <figcaption>{t('reviews.previous')}</figcaption>
          </figure>
        )}
      </div>
      <div className="review__details">
        <h2 className="card__title" id={`${prefix}-name`}>
          {name}
        </h2>
        <p>
          {item.alumniNumber} · {t('reviews.ecardId', { id: item.ecardId })}
        </p>
        <p>{t('reviews.uploaded', { date: new Date(item.uploadedAt).toLocaleString(language) })}</p>
        <p>
          <a href={item.photoUrl} target="_blank" rel="noopener">
            {t('reviews.openPhoto')}
          </a>
        </p>
        <FormAlert>{error}</FormAlert>
        {!rejecting ? (
          <div className="form__actions">
            <button
              type="button"
              className="button button--brand"
              disabled={busy}
              onClick={() => void act(() => ecardApi.approve(item.photoId), t('reviews.approved', { name }))}
            >
              {t('reviews.approve')}
            </button>
            <button type="button" className="button button--quiet" disabled={busy} onClick={() => setRejecting(true)}>
              {t('reviews.reject')}
            </button>
          </div>
        ) : (
          <form className="form" onSubmit={reject} noValidate>
            <div className={`field${reasonError ? ' field--invalid' : ''}`}>
              <label className="field__label" htmlFor={`${prefix}-reason`}>
                {t('reviews.reason')}
              </label>
              <p className="field__hint" id={`${prefix}-hint`}>
                {t('reviews.reasonHint')}
              </p>
              <textarea
                id={`${prefix}-reason`}
                className="field__input"
                rows={3}
                maxLength={REASON_MAX}
                value={reason}
                aria-describedby={reasonError ? `${prefix}-hint ${prefix}-error` : `${prefix}-hint`}
                aria-invalid={reasonError ? true : undefined}
                onChange={(event) => setReason(event.target.value)}
              />
              {reasonError && (
                <p className="field__error" id={`${prefix}-error`}>
                  {reasonError}
                </p>
              )}
            </div>
            <div className="form__actions">
              <button type="submit" className="button button--danger" disabled={busy}>
                {t('reviews.confirmReject')}
              </button>
              <button type="button" className="button button--quiet" disabled={busy} onClick={() => setRejecting(false)}>
                {t('reviews.cancel')}
              </button>
            </div>
          </form>
        )}
      </div>
    </li>
  );
}

/** Revoke (with a reason) or reinstate one eCard by its id. */
function EcardStatusForm() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const [id, setId] = useState('');
  const [idError, setIdError] = useState<string>();
  const [card, setCard] = useState<AdminEcard>();
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string>();
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<AdminEcard>, message?: (card: AdminEcard) => string) => {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      const result = await action();
      setCard(result);
      if (message) setDone(message(result));
    } catch (failure) {
      setError(errorText(t, language, failure));
    } finally {
      setBusy(false);
    }
  };

  const lookUp = (event: FormEvent) => {
    event.preventDefault();
    const value = Number(id.trim());
    if (!/^\d+$/.test(id.trim()) || !Number.isSafeInteger(value) || value < 1) {
      setIdError(t('reviews.ecardIdInvalid'));
      return;
    }
    setIdError(undefined);
    setCard(undefined);
    setReason('');
    void run(() => ecardApi.adminEcard(value));
  };

  return (
    <section className="card" aria-labelledby="ecard-status-title">
      <h2 id="ecard-status-title" className="card__title">
        {t('reviews.ecardTitle')}
      </h2>
      <FormAlert>{error}</FormAlert>
      <FormAlert tone="success">{done}</FormAlert>
      <form className="form form--inline" onSubmit={lookUp} noValidate>
        <div className={`field${idError ? ' field--invalid' : ''}`}>
          <label className="field__label" htmlFor="ecard-id">
            {t('reviews.ecardIdLabel')}
          </label>
          <input
            id="ecard-id"
            className="field__input"
            inputMode="numeric"
            value={id}
            aria-invalid={idError ? true : undefined}
            aria-describedby={idError ? 'ecard-id-error' : undefined}
            onChange={(event) => setId(event.target.value)}
          />
          {idError && (
            <p className="field__error" id="ecard-id-error">
              {idError}
            </p>
          )}
        </div>
        <div className="form__actions">
          <button type="submit" className="button button--quiet" disabled={busy}>
            {t('reviews.lookUp')}
          </button>
        </div>
      </form>
      {card && (
        <div className="form">
          <p role="status">
            {t('reviews.ecardStatus', { id: card.id, number: card.alumniNumber, status: t(`ecard.statusValue.${card.status}`) })}
            {card.revocationReason && ` — ${t('ecard.reason', { reason: card.revocationReason })}`}
          </p>
          {card.status === 'active' ? (
            <form
              className="form"
              noValidate
              onSubmit={(event) => {
                event.preventDefault();
                if (!validReason(reason)) {
                  setReasonError(t('reviews.reasonRequired'));
                  return;
                }
                setReasonError(undefined);
                void run(
                  () => ecardApi.revoke(card.id, reason.trim()),
                  (result) => t('reviews.revokedDone', { id: result.id }),
                );
              }}
            >
              <div className={`field${reasonError ? ' field--invalid' : ''}`}>
                <label className="field__label" htmlFor="revoke-reason">
                  {t('reviews.reason')}
                </label>
                <textarea
                  id="revoke-reason"
                  className="field__input"
                  rows={2}
                  maxLength={REASON_MAX}
                  value={reason}
                  aria-invalid={reasonError ? true : undefined}
                  aria-describedby={reasonError ? 'revoke-reason-error' : undefined}
                  onChange={(event) => setReason(event.target.value)}
                />
                {reasonError && (
                  <p className="field__error" id="revoke-reason-error">
                    {reasonError}
                  </p>
                )}
              </div>
              <div className="form__actions">
                <button type="submit" className="button button--danger" disabled={busy}>
                  {t('reviews.revoke')}
                </button>
              </div>
            </form>
          ) : (
            <div className="form__actions">
              <button
                type="button"
                className="button button--brand"
                disabled={busy}
                onClick={() =>
                  void run(
                    () => ecardApi.reinstate(card.id),
                    (result) => t('reviews.reinstatedDone', { id: result.id }),
                  )
                }
              >
                {t('reviews.reinstate')}
              </button>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
