import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { adminAlumni, type AlumniSearchHit } from '../../api/admin-alumni.js';
import { errorText } from '../../forms/error-text.js';
import { FormAlert } from '../../forms/fields.js';
import { PageHeading } from '../../layout/app-shell.js';
import { RequireSession } from '../../layout/require-session.js';
import { useDocumentTitle } from '../../layout/use-document-title.js';
import { hasRole, useSession } from '../../session/session-context.js';
import { AlumniDetailView } from './alumni/alumni-detail.js';
import { useSearchParams } from '../../router/router.js';
import { navigateWithParams } from './alumni/navigate-with-params.js';

const MAX_QUERY = 100;
/** The portal needs at least 2 characters (one matches most of the registry). */
const MIN_QUERY = 2;

/**
 * AAO: search the graduate registry and open one person. The search (`?q=`) and the open person (`?graduate=`) are
 * in the address, so a detail is linkable and Back returns to the results.
 */
export function AlumniAdminPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('alumniAdmin.title'));
  return (
    <RequireSession role={['aao-admin', 'auditor']} title={t('alumniAdmin.title')}>
      <AlumniAdmin />
    </RequireSession>
  );
}

function AlumniAdmin() {
  const { t } = useTranslation();
  const { state } = useSession();
  const canConfirm = hasRole(state, 'aao-admin');
  const params = useSearchParams();
  const q = params.get('q') ?? '';
  const graduate = params.get('graduate') ?? undefined;

  return (
    <div className="content page page--wide aao-page">
      <PageHeading className="page__title">{t('alumniAdmin.title')}</PageHeading>
      {graduate ? (
        <AlumniDetailView key={graduate} graduateId={graduate} canConfirm={canConfirm} onBack={() => navigateWithParams({ q })} />
      ) : (
        <>
          <p className="page__intro">{t('alumniAdmin.intro')}</p>
          <SearchForm key={q} initial={q} />
          {q && <Results q={q} />}
        </>
      )}
    </div>
  );
}

function SearchForm({ initial }: { readonly initial: string }) {
  const { t } = useTranslation();
  const [value, setValue] = useState(initial);
  const [error, setError] = useState<string>();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const q = value.trim();
    if (!q) return setError(t('alumniAdmin.search.required'));
    if ([...q].length < MIN_QUERY) return setError(t('alumniAdmin.search.tooShort'));
    if (q.length > MAX_QUERY) return setError(t('alumniAdmin.search.tooLong'));
    setError(undefined);
    navigateWithParams({ q });
  };

  return (
    <form className="form aao-search" role="search" onSubmit={submit} noValidate>
      <div className={`field${error ? ' field--invalid' : ''}`}>
        <label className="field__label" htmlFor="aao-search-q">
          {t('alumniAdmin.search.label')}
        </label>
        <p className="field__hint" id="aao-search-hint">
          {t('alumniAdmin.search.hint')}
        </p>
        <div className="aao-search__row">
          <input
            id="aao-search-q"
            className="field__input"
            type="search"
            name="q"
            value={value}
            maxLength={MAX_QUERY + 20}
            autoComplete="off"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'aao-search-hint aao-search-error' : 'aao-search-hint'}
            onChange={(event) => setValue(event.target.value)}
          />
          <button type="submit" className="button button--brand">
            {t('alumniAdmin.search.submit')}
          </button>
        </div>
        {error && (
          <p className="field__error" id="aao-search-error">
            {error}
          </p>
        )}
      </div>
    </form>
  );
}

function Results({ q }: { readonly q: string }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const [hits, setHits] = useState<AlumniSearchHit[]>();
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    setHits(undefined);
    setError(undefined);
    adminAlumni
      .search(q, undefined, controller.signal)
      .then((page) => {
        setHits([...page.hits]);
        setCursor(page.nextCursor);
      })
      .catch((failure: unknown) => {
        if (!controller.signal.aborted) setError(errorText(t, language, failure));
      });
    return () => controller.abort();
  }, [q, t, language]);

  const more = async () => {
    if (!cursor) return;
    setBusy(true);
    try {
      const page = await adminAlumni.search(q, cursor);
      setHits((current) => [...(current ?? []), ...page.hits]);
      setCursor(page.nextCursor);
    } catch (failure) {
      setError(errorText(t, language, failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="aao-results" aria-labelledby="aao-results-title">
      <h2 id="aao-results-title">{t('alumniAdmin.search.results')}</h2>
      <FormAlert>{error}</FormAlert>
      {!hits && !error && <p role="status">{t('common.loading')}</p>}
      {hits?.length === 0 && <p role="status">{t('alumniAdmin.search.empty', { q })}</p>}
      {hits && hits.length > 0 && (
        <ul className="aao-hits" data-testid="alumni-hits">
          {hits.map((hit) => (
            <Hit key={hit.graduateId} hit={hit} q={q} />
          ))}
        </ul>
      )}
      {cursor && (
        <p>
          <button type="button" className="button button--quiet" disabled={busy} onClick={() => void more()}>
            {t('alumniAdmin.search.more')}
          </button>
        </p>
      )}
    </section>
  );
}

function Hit({ hit, q }: { readonly hit: AlumniSearchHit; readonly q: string }) {
  const { t } = useTranslation();
  const name = `${hit.name.surname} ${hit.name.givenName}`;
  const href = `/admin/alumni?${new URLSearchParams({ q, graduate: hit.graduateId }).toString()}`;
  return (
    <li className="card aao-hit">
      <a
        className="aao-hit__name"
        href={href}
        aria-label={t('alumniAdmin.search.open', { name })}
        onClick={(event) => {
          if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
          event.preventDefault();
          navigateWithParams({ q, graduate: hit.graduateId });
        }}
      >
        {name}
      </a>
      <p className="aao-hit__facts">
        <span>{t('alumniAdmin.hit.studentNumber', { value: hit.studentNumber })}</span>
        {hit.alumniNumber && <span>{t('alumniAdmin.hit.alumniNumber', { value: hit.alumniNumber })}</span>}
        <span>{hit.accountEmail ?? t('alumniAdmin.hit.noAccount')}</span>
        <span>{t('alumniAdmin.hit.ecard', { status: t(`alumniAdmin.ecardStatus.${hit.ecardStatus}`) })}</span>
      </p>
      {hit.awards.length > 0 && (
        <p className="aao-hit__awards">{hit.awards.map((award) => `${award.programme} (${award.graduationYear})`).join(' · ')}</p>
      )}
    </li>
  );
}
