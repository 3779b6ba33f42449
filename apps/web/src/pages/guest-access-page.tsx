import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/client.js';
import { sortGuestPasses, type GuestPass, type GuestPolicy } from '../api/passes.js';
import { FormAlert } from '../forms/fields.js';
import { PageHeading } from '../layout/app-shell.js';
import { RequireSession } from '../layout/require-session.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { Link } from '../router/router.js';
import { guestErrorText, guestPasses, wordsLanguage } from './guest/guest-api.js';
import { GuestPassItem } from './guest/guest-pass-item.js';
import { NewAccessForm } from './guest/new-access-form.js';

export const GUEST_ACCESS_PATH = '/ecard/guests';

/** FAQ 21 "Guest Access": the alumnus's guest passes, New Campus Access, cancel and share. Reached from the eCard. */
export function GuestAccessPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('guests.pageTitle'));
  return (
    <RequireSession role="alumnus" title={t('guests.title')}>
      <GuestAccessView />
    </RequireSession>
  );
}

function GuestAccessView() {
  const { t, i18n } = useTranslation();
  const language = wordsLanguage(i18n.resolvedLanguage);
  const [policy, setPolicy] = useState<GuestPolicy>();
  const [passes, setPasses] = useState<GuestPass[]>();
  const [loadError, setLoadError] = useState<string>();
  const [notActive, setNotActive] = useState(false);
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string>();

  const load = useCallback(
    async (signal?: AbortSignal) => {
      setLoadError(undefined);
      try {
        const [loadedPolicy, loadedPasses] = await Promise.all([guestPasses.policy(signal), guestPasses.list(signal)]);
        setPolicy(loadedPolicy);
        setPasses(loadedPasses);
      } catch (error) {
        if (signal?.aborted) return;
        if (isApiError(error) && error.signInRequired) return;
        setLoadError(guestErrorText(t, language, error));
      }
    },
    [t, language],
  );

  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);

  const created = (list: GuestPass[]) => {
    setCreating(false);
    setNotActive(false);
    setNotice(t('guests.created', { date: list[0]?.dateInWords[language] ?? '' }));
    setPasses((current) => [...(current ?? []), ...list]);
  };

  const changed = (pass: GuestPass, message: string) => {
    setNotice(message);
    setPasses((current) => current?.map((item) => (item.id === pass.id ? pass : item)));
  };

  const { upcoming, other } = sortGuestPasses(passes ?? []);

  return (
    <div className="content page page--guests">
      <p>
        <Link to="/ecard" className="back-link">
          {t('guests.backToEcard')}
        </Link>
      </p>
      <PageHeading className="page__title">{t('guests.title')}</PageHeading>
      <p className="page__intro">{t('guests.intro')}</p>
      <FormAlert tone="success">{notice}</FormAlert>
      {notActive && (
        <div className="form-alert form-alert--info" role="status">
          <p>{t('guests.notActive')}</p>
          <p>
            <Link to="/ecard" className="button button--brand">
              {t('guests.goToEcard')}
            </Link>
          </p>
        </div>
      )}
      {loadError && (
        <>
          <FormAlert>{loadError}</FormAlert>
          <p>
            <button type="button" className="button button--quiet" onClick={() => void load()}>
              {t('common.retry')}
            </button>
          </p>
        </>
      )}
      {!loadError && (!policy || !passes) && <p role="status">{t('common.loading')}</p>}
      {policy && passes && (
        <>
          {creating ? (
            <NewAccessForm policy={policy} onCreated={created} onClose={() => setCreating(false)} onNotActive={() => setNotActive(true)} />
          ) : (
            <p>
              <button
                type="button"
                className="button button--brand"
                onClick={() => {
                  setNotice(undefined);
                  setCreating(true);
                }}
              >
                {t('guests.newOpen')}
              </button>
            </p>
          )}
          <section className="card guest-list" aria-labelledby="guest-list-title">
            <div className="profile-section__head">
              <h2 id="guest-list-title" className="card__title">
                {t('guests.listTitle')}
              </h2>
              <button type="button" className="button button--quiet button--small" onClick={() => void load()}>
                {t('guests.refresh')}
              </button>
            </div>
            {passes.length === 0 && <p>{t('guests.none')}</p>}
            {upcoming.length > 0 && (
              <>
                <h3 className="guest-list__group">{t('guests.upcomingTitle')}</h3>
                <ul className="guest-list__items">
                  {upcoming.map((pass) => (
                    <GuestPassItem key={pass.id} pass={pass} onChanged={changed} />
                  ))}
                </ul>
              </>
            )}
            {other.length > 0 && (
              <>
                <h3 className="guest-list__group">{t('guests.otherTitle')}</h3>
                <ul className="guest-list__items">
                  {other.map((pass) => (
                    <GuestPassItem key={pass.id} pass={pass} onChanged={changed} />
                  ))}
                </ul>
              </>
            )}
          </section>
        </>
      )}
    </div>
  );
}
