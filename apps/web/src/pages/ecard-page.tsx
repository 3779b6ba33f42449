import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ecard as ecardApi, passes as passesApi, signInPathFor } from '../api/api.js';
import { isApiError } from '../api/client.js';
import { ECARD_PHOTO_PATH, PHOTO_TYPES, checkPhotoFile, localized, type Ecard, type PhotoUploadResult } from '../api/ecard.js';
import { hongKongToday, svgDataUrl, type DayPass } from '../api/passes.js';
import { uploadFile, type UploadProgress } from '../api/upload.js';
import { errorText } from '../forms/error-text.js';
import { FormAlert } from '../forms/fields.js';
import { LoadFailed } from '../forms/load-failed.js';
import { useLoaded } from '../forms/use-loaded.js';
import { PageHeading } from '../layout/app-shell.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { Link, navigate } from '../router/router.js';
import { useSession } from '../session/session-context.js';

/** What the file input may take; the portal checks the content again (a renamed file is refused there). */
const PHOTO_ACCEPT = PHOTO_TYPES.join(',');

/**
 * Alumni eCard (FAQ 17–24): complete the contact information first, then upload a photo and the card is
 * active at once. The card and the privileges are cached by the service worker so the page opens offline.
 */
export function EcardPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('ecard.pageTitle'));
  const { state } = useSession();

  // Offline the session check fails, but the service worker still has the card: the eCard API decides.
  const signedOut = state.status === 'ready' && !state.session.authenticated;
  const notAlumnus = state.status === 'ready' && state.session.authenticated && !state.session.subject?.roles.includes('alumnus');

  useEffect(() => {
    if (signedOut) navigate(signInPathFor(window.location.pathname + window.location.search), { replace: true });
  }, [signedOut]);

  if (state.status === 'loading' || signedOut) {
    return (
      <div className="content page">
        <PageHeading className="page__title">{t('ecard.title')}</PageHeading>
        <p role="status">{t('common.loading')}</p>
      </div>
    );
  }
  if (notAlumnus) {
    return (
      <div className="content page">
        <PageHeading className="page__title">{t('ecard.title')}</PageHeading>
        <FormAlert>{t('errors.role-refused')}</FormAlert>
      </div>
    );
  }
  return <EcardView />;
}

function EcardView() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const fetchCard = useCallback((signal?: AbortSignal) => ecardApi.get(language, signal), [language]);
  const describe = useCallback((error: unknown) => errorText(t, language, error), [t, language]);
  const { data: card, setData: setCard, loadError, reload } = useLoaded(fetchCard, describe);
  const [uploaded, setUploaded] = useState<'activated' | 'changed'>();
  const [online, setOnline] = useState(() => navigator.onLine);

  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);

  return (
    <div className="content page page--ecard">
      <PageHeading className="page__title">{t('ecard.title')}</PageHeading>
      {!online && (
        <p className="form-alert form-alert--info" role="status">
          {t('ecard.offline')}
        </p>
      )}
      {loadError && !card && <LoadFailed message={loadError} onRetry={() => void reload()} />}
      {!card && !loadError && <p role="status">{t('common.loading')}</p>}
      {card && (
        <EcardContent
          card={card}
          uploaded={uploaded}
          onUploaded={(result) => {
            setUploaded(result.activated ? 'activated' : 'changed');
            setCard(result.ecard);
          }}
        />
      )}
    </div>
  );
}

function EcardContent({
  card,
  uploaded,
  onUploaded,
}: {
  readonly card: Ecard;
  readonly uploaded: 'activated' | 'changed' | undefined;
  readonly onUploaded: (result: PhotoUploadResult) => void;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const photoRejected = card.photo?.status === 'rejected';
  const canUpload = card.status !== 'revoked' && (card.status === 'not-activated' || photoRejected);

  return (
    <div className="ecard-layout">
      <div className="ecard-layout__main">
        {uploaded && <FormAlert tone="success">{uploaded === 'activated' ? t('ecard.activated') : t('ecard.photoUploaded')}</FormAlert>}
        {card.status === 'not-activated' && (
          <section className="card ecard-steps" aria-labelledby="ecard-activate-title">
            <h2 id="ecard-activate-title" className="card__title">
              {t('ecard.activateTitle')}
            </h2>
            <ol className="ecard-steps__list">
              <li className={card.contactComplete ? 'ecard-steps__done' : undefined}>{t('ecard.stepContact')}</li>
              <li>{t('ecard.stepPhoto')}</li>
            </ol>
            {!card.contactComplete && (
              <FormAlert tone="info">
                <p>{t('ecard.contactIncomplete')}</p>
                <p>
                  <Link to="/profile#contact" className="button button--brand">
                    {t('ecard.goToContact')}
                  </Link>
                </p>
              </FormAlert>
            )}
          </section>
        )}
        {card.status !== 'not-activated' && <EcardCard card={card} />}
        {card.status === 'active' && <CampusAccess />}
        {card.status === 'active' && (
          <section className="card guest-access-link" aria-labelledby="guest-access-link-title">
            <h2 id="guest-access-link-title" className="card__title">
              {t('guests.title')}
            </h2>
            <p>{t('guests.ecardLinkHint')}</p>
            <p>
              <Link to="/ecard/guests" className="button button--brand">
                {t('guests.ecardLink')}
              </Link>
            </p>
          </section>
        )}
        {canUpload && card.contactComplete && <PhotoUpload rejected={photoRejected} onUploaded={onUploaded} />}
        {card.status === 'active' && !photoRejected && <PhotoReplace onUploaded={onUploaded} />}
      </div>
      <section className="card ecard-privileges" aria-labelledby="ecard-privileges-title">
        <h2 id="ecard-privileges-title" className="card__title">
          {t('ecard.privilegesTitle')}
        </h2>
        {card.privileges.length === 0 ? (
          <p>{t('ecard.noPrivileges')}</p>
        ) : (
          <ul className="ecard-privileges__list">
            {card.privileges.map((privilege) => (
              <li key={privilege.id}>
                <h3 className="ecard-privileges__title">{localized(privilege.title, language)}</h3>
                {localized(privilege.description, language) && <p>{localized(privilege.description, language)}</p>}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

/** The card itself, shaped like a card on a phone. */
function EcardCard({ card }: { readonly card: Ecard }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const revoked = card.status === 'revoked';
  const date = (iso: string) => new Date(iso).toLocaleDateString(language, { dateStyle: 'medium' });
  return (
    <article className={`alumni-card${revoked ? ' alumni-card--revoked' : ''}`} aria-labelledby="ecard-name" data-testid="ecard">
      <header className="alumni-card__band">
        <img className="alumni-card__logo" src="/icons/icon.svg" alt="" width="28" height="28" />
        <span className="alumni-card__brand">{t('ecard.cardBrand')}</span>
      </header>
      <div className="alumni-card__body">
        {card.photo ? (
          <img className="alumni-card__photo" src={card.photo.cardUrl} alt={t('ecard.photoAlt')} width="150" height="200" />
        ) : (
          <div className="alumni-card__photo alumni-card__photo--none">{t('ecard.noPhoto')}</div>
        )}
        <div className="alumni-card__details">
          <p className="alumni-card__name" id="ecard-name">
            {card.name.givenName} {card.name.surname}
          </p>
          <dl className="alumni-card__facts">
            <div>
              <dt>{t('ecard.alumniNumber')}</dt>
              <dd className="alumni-card__number">{card.alumniNumber ?? '—'}</dd>
            </div>
            <div>
              <dt>{t('ecard.status')}</dt>
              <dd>
                <span className={`alumni-card__status alumni-card__status--${card.status}`}>{t(`ecard.statusValue.${card.status}`)}</span>
              </dd>
            </div>
          </dl>
        </div>
      </div>
      {card.awards.length > 0 && (
        <ul className="alumni-card__awards" aria-label={t('ecard.awards')}>
          {card.awards.map((award) => (
            <li key={`${award.award}-${award.programme}-${award.graduationYear}`}>
              <span className="alumni-card__award">{award.award}</span>
              {award.programme && award.programme !== award.award && <span> · {award.programme}</span>}{' '}
              <span className="alumni-card__year">({award.graduationYear})</span>
            </li>
          ))}
        </ul>
      )}
      {revoked && (
        <div className="alumni-card__notice alumni-card__notice--error" role="alert">
          <strong>{t('ecard.revoked')}</strong>
          {card.revocationReason && <p>{t('ecard.reason', { reason: card.revocationReason })}</p>}
          <p>{t('ecard.revokedHelp')}</p>
        </div>
      )}
      {card.photo && (
        <div className={`alumni-card__notice alumni-card__notice--${card.photo.status}`} data-testid="photo-status">
          <strong>{t(`ecard.photoStatus.${card.photo.status}`)}</strong>
          {card.photo.status === 'rejected' && card.photo.rejectionReason && (
            <p>{t('ecard.reason', { reason: card.photo.rejectionReason })}</p>
          )}
          {card.photo.status === 'pending-review' && <p>{t('ecard.pendingHelp')}</p>}
        </div>
      )}
      {card.activatedAt && !revoked && <p className="alumni-card__since">{t('ecard.activeSince', { date: date(card.activatedAt) })}</p>}
    </article>
  );
}

/**
 * FAQ 20: "Campus Access QR Code" shows today's one-day QR code for the turnstile. Loaded with the card (so the
 * service worker keeps it for offline use) and shown on demand, large, on white.
 */
function CampusAccess() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage === 'zh-Hant' ? 'zh-Hant' : 'en';
  const [pass, setPass] = useState<DayPass>();
  const [error, setError] = useState<string>();
  const [shown, setShown] = useState(false);

  const load = useCallback(
    async (signal?: AbortSignal) => {
      setError(undefined);
      try {
        setPass(await passesApi.today(signal));
      } catch (failure) {
        if (signal?.aborted) return;
        setError(errorText(t, language, failure));
      }
    },
    [t, language],
  );

  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);

  const stale = pass !== undefined && pass.date !== hongKongToday();

  return (
    <section className="card campus-access" aria-labelledby="campus-access-title">
      <h2 id="campus-access-title" className="card__title">
        {t('ecard.accessTitle')}
      </h2>
      {error && !pass && (
        <>
          <FormAlert>{error}</FormAlert>
          <p>
            <button type="button" className="button button--quiet button--small" onClick={() => void load()}>
              {t('common.retry')}
            </button>
          </p>
        </>
      )}
      {pass && (
        <>
          <button
            type="button"
            className="button button--brand campus-access__toggle"
            aria-expanded={shown}
            aria-controls="campus-access-code"
            onClick={() => setShown((value) => !value)}
          >
            {shown ? t('ecard.accessHide') : t('ecard.accessShow')}
          </button>
          <div id="campus-access-code" hidden={!shown} className="campus-access__code">
            <img
              className="campus-access__qr"
              src={svgDataUrl(pass.qrSvg)}
              alt={t('ecard.accessQrAlt', { date: pass.dateInWords[language] })}
              width="280"
              height="280"
              data-testid="day-pass-qr"
            />
            <p className="campus-access__date">{t('ecard.accessValid', { date: pass.dateInWords[language] })}</p>
            {stale ? (
              <p className="form-alert form-alert--error" role="alert">
                {t('ecard.accessStale')}
              </p>
            ) : (
              <p className="page__note">{t('ecard.accessHelp')}</p>
            )}
          </div>
        </>
      )}
      {!pass && !error && <p role="status">{t('common.loading')}</p>}
    </section>
  );
}

/** A changed photo goes for review again; the card stays usable meanwhile. Folded away by default. */
function PhotoReplace({ onUploaded }: { readonly onUploaded: (result: PhotoUploadResult) => void }) {
  const { t } = useTranslation();
  return (
    <details className="card ecard-replace">
      <summary>{t('ecard.changePhoto')}</summary>
      <PhotoUpload rejected={false} embedded onUploaded={onUploaded} />
    </details>
  );
}

function PhotoUpload({
  rejected,
  embedded = false,
  onUploaded,
}: {
  readonly rejected: boolean;
  readonly embedded?: boolean;
  readonly onUploaded: (result: PhotoUploadResult) => void;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const [file, setFile] = useState<File>();
  const [preview, setPreview] = useState<string>();
  const [fileError, setFileError] = useState<string>();
  const [formError, setFormError] = useState<string>();
  const [progress, setProgress] = useState<UploadProgress>();
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!file) {
      setPreview(undefined);
      return;
    }
    const url = URL.createObjectURL(file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [file]);

  const choose = (chosen: File | undefined) => {
    setFormError(undefined);
    const problem = chosen ? checkPhotoFile(chosen) : undefined;
    setFileError(problem ? t(`errors.${problem}`) : undefined);
    setFile(problem ? undefined : chosen);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFormError(undefined);
    if (!file) {
      if (!fileError) setFileError(t('ecard.photoRequired'));
      input.current?.focus();
      return;
    }
    setBusy(true);
    setProgress({ loaded: 0, total: file.size });
    try {
      const result = await uploadFile<PhotoUploadResult>(ECARD_PHOTO_PATH, 'photo', file, {
        headers: api.unsafeHeaders(),
        onProgress: setProgress,
      });
      setFile(undefined);
      if (input.current) input.current.value = '';
      onUploaded(result);
    } catch (error) {
      if (isApiError(error) && error.signInRequired) navigate(signInPathFor(window.location.pathname), { replace: true });
      setFormError(errorText(t, language, error));
    } finally {
      setBusy(false);
      setProgress(undefined);
    }
  };

  const percent = progress && progress.total > 0 ? Math.round((progress.loaded / progress.total) * 100) : 0;
  const id = embedded ? 'ecard-photo-change' : 'ecard-photo';

  return (
    <form className={embedded ? 'form' : 'form card'} onSubmit={(event) => void submit(event)} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className={embedded ? 'visually-hidden' : 'card__title'}>
        {rejected ? t('ecard.uploadAgainTitle') : embedded ? t('ecard.changePhoto') : t('ecard.uploadTitle')}
      </h2>
      <FormAlert>{formError}</FormAlert>
      <p className="field__hint">{t('ecard.photoGuide')}</p>
      <div className={`field${fileError ? ' field--invalid' : ''}`}>
        <label className="field__label" htmlFor={id}>
          {t('ecard.photo')}
        </label>
        <p className="field__hint" id={`${id}-hint`}>
          {t('ecard.photoHint')}
        </p>
        <input
          ref={input}
          id={id}
          className="field__input field__input--file"
          type="file"
          name="photo"
          accept={PHOTO_ACCEPT}
          aria-describedby={fileError ? `${id}-hint ${id}-error` : `${id}-hint`}
          aria-invalid={fileError ? true : undefined}
          onChange={(event) => choose(event.target.files?.[0])}
        />
        {fileError && (
          <p className="field__error" id={`${id}-error`}>
            {fileError}
          </p>
        )}
      </div>
      {preview && (
        <figure className="ecard-preview">
          <img src={preview} alt={t('ecard.previewAlt')} />
          <figcaption>{t('ecard.preview')}</figcaption>
        </figure>
      )}
      {progress && (
        <div className="upload-progress">
          <label htmlFor={`${id}-progress`}>{percent < 100 ? t('ecard.uploading', { percent }) : t('ecard.processing')}</label>
          <progress id={`${id}-progress`} max={100} value={percent}>
            {percent}%
          </progress>
        </div>
      )}
      <div className="form__actions">
        <button type="submit" className="button button--brand" disabled={busy}>
          {t('ecard.upload')}
        </button>
      </div>
    </form>
  );
}
