import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { sortGuestPasses, type GuestPass } from '../api/passes.js';
import { FormAlert } from '../forms/fields.js';
import { LoadFailed } from '../forms/load-failed.js';
import { useLoaded } from '../forms/use-loaded.js';
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
  const [notActive, setNotActive] = useState(false);
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string>();
  const fetchAll = useCallback(async (signal?: AbortSignal) => {
    const [policy, passes] = await Promise.all([guestPasses.policy(signal), guestPasses.list(signal)]);
    return { policy, passes };
  }, []);
  const describe = useCallback((error: unknown) => guestErrorText(t, language, error), [t, language]);
  const { data: loaded, setData: setLoaded, loadError, reload } = useLoaded(fetchAll, describe);
  const setPasses = (change: (passes: GuestPass[]) => GuestPass[]) =>
    setLoaded((current) => current && { ...current, passes: change(current.passes) });

  const created = (list: GuestPass[]) => {
    setCreating(false);
    setNotActive(false);
    setNotice(t('guests.created', { date: list[0]?.dateInWords[language] ?? '' }));
    setPasses((current) => [...current, ...list]);
  };

  const changed = (pass: GuestPass, message: string) => {
    setNotice(message);
    setPasses((current) => current.map((item) => (item.id === pass.id ? pass : item)));
  };

  const { upcoming, other } = sortGuestPasses(loaded?.passes ?? []);

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
        <FormAlert tone="info">
          <p>{t('guests.notActive')}</p>
          <p>
            <Link to="/ecard" className="button button--brand">
              {t('guests.goToEcard')}
            </Link>
          </p>
        </FormAlert>
      )}
      {loadError && <LoadFailed message={loadError} onRetry={() => void reload()} />}
      {!loadError && !loaded && <p role="status">{t('common.loading')}</p>}
      {loaded && (
        <>
          {creating ? (
            <NewAccessForm
              policy={loaded.policy}
              onCreated={created}
              onClose={() => setCreating(false)}
              onNotActive={() => setNotActive(true)}
            />
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
              <button type="button" className="button button--quiet button--small" onClick={() => void reload()}>
                {t('guests.refresh')}
              </button>
            </div>
            {loaded.passes.length === 0 && <p>{t('guests.none')}</p>}
            <PassGroup title={t('guests.upcomingTitle')} passes={upcoming} onChanged={changed} />
            <PassGroup title={t('guests.otherTitle')} passes={other} onChanged={changed} />
          </section>
        </>
      )}
    </div>
  );
}

/** One group of the list (upcoming, or the others); nothing when it is empty. */
function PassGroup({
  title,
  passes,
  onChanged,
}: {
  readonly title: string;
  readonly passes: readonly GuestPass[];
  readonly onChanged: (pass: GuestPass, message: string) => void;
}) {
  if (passes.length === 0) return null;
  return (
    <>
      <h3 className="guest-list__group">{title}</h3>
      <ul className="guest-list__items">
        {passes.map((pass) => (
          <GuestPassItem key={pass.id} pass={pass} onChanged={onChanged} />
        ))}
      </ul>
    </>
  );
}
