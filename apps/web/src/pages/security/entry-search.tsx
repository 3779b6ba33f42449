import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  checkEntryFilters,
  EMPTY_ENTRY_FILTERS,
  SEARCH_TEXT_MAX,
  security,
  type EntryFilterProblems,
  type EntryFilters,
  type EntryPoint,
  type GateTile,
  type LiveEntry,
} from '../../api/security.js';
import { errorText } from '../../forms/error-text.js';
import { Field, FormAlert, focusFirstInvalid } from '../../forms/fields.js';
import { mergeEntries } from './feed.js';
import { EntryWhat, FlagBadges, HolderView, useTimeFormat } from './security-parts.js';

interface Results {
  readonly filters: EntryFilters;
  readonly entries: readonly LiveEntry[];
  readonly nextCursor: string | null;
}

/** Search stored entries by person, pass, gate, decision and time; pages back with "Older entries". */
export function EntrySearch({ gates }: { readonly gates: readonly GateTile[] | undefined }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const form = useRef<HTMLFormElement>(null);
  const [filters, setFilters] = useState<EntryFilters>(EMPTY_ENTRY_FILTERS);
  const [problems, setProblems] = useState<EntryFilterProblems>({});
  const [results, setResults] = useState<Results>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [points, setPoints] = useState<readonly EntryPoint[]>();
  useEffect(() => {
    // Turnstiles and handheld points; until they arrive (or if they cannot), the gate tiles' turnstiles.
    const abort = new AbortController();
    security.entryPoints(abort.signal).then(setPoints, () => undefined);
    return () => abort.abort();
  }, []);
  const choices: readonly EntryPoint[] =
    points ?? (gates ?? []).map((gate) => ({ gateId: gate.gateId, name: gate.name, kind: 'turnstile' as const }));
  const turnstiles = choices.filter((point) => point.kind === 'turnstile');
  const handheldPoints = choices.filter((point) => point.kind === 'handheld');
  const set = (field: keyof EntryFilters) => (value: string) => setFilters((current) => ({ ...current, [field]: value }));
  const problemText = (field: keyof EntryFilterProblems) => {
    const problem = problems[field];
    return problem ? t(`security.search.problems.${problem}`) : undefined;
  };

  const load = async (wanted: EntryFilters, cursor: string | null, previous: readonly LiveEntry[]) => {
    setBusy(true);
    setError(undefined);
    try {
      const page = await security.entries(wanted, cursor);
      // The same entry on two pages (new entries arrived between them) shows once.
      setResults({ filters: wanted, entries: mergeEntries(previous, page.entries, Number.MAX_SAFE_INTEGER), nextCursor: page.nextCursor });
    } catch (failure) {
      setError(errorText(t, i18n.resolvedLanguage, failure));
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = checkEntryFilters(filters);
    setProblems(found);
    if (Object.keys(found).length > 0) {
      requestAnimationFrame(() => focusFirstInvalid(form.current));
      return;
    }
    void load(filters, null, []);
  };

  return (
    <section className="sec-panel sec-search" aria-labelledby="sec-search-title">
      <div className="sec-panel__head">
        <h2 id="sec-search-title" className="sec-panel__title">
          {t('security.search.title')}
        </h2>
      </div>
      <form ref={form} className="sec-search__form" onSubmit={submit} noValidate>
        <Field
          label={t('security.search.q')}
          hint={t('security.search.qHint')}
          value={filters.q}
          maxLength={SEARCH_TEXT_MAX + 50}
          onChange={(event) => set('q')(event.target.value)}
          error={problemText('q')}
          type="search"
        />
        <Field
          label={t('security.search.passId')}
          hint={t('security.search.passIdHint')}
          value={filters.passId}
          onChange={(event) => set('passId')(event.target.value)}
          error={problemText('passId')}
          autoComplete="off"
          spellCheck={false}
        />
        <div className="field">
          <label className="field__label" htmlFor={`${id}-gate`}>
            {t('security.search.gate')}
          </label>
          <select id={`${id}-gate`} value={filters.gateId} onChange={(event) => set('gateId')(event.target.value)}>
            <option value="">{t('security.search.anyGate')}</option>
            {turnstiles.length > 0 && (
              <optgroup label={t('security.search.turnstiles')}>
                {turnstiles.map((point) => (
                  <option key={point.gateId} value={point.gateId}>
                    {point.name}
                  </option>
                ))}
              </optgroup>
            )}
            {handheldPoints.length > 0 && (
              <optgroup label={t('security.search.handheldPoints')}>
                {handheldPoints.map((point) => (
                  <option key={point.gateId} value={point.gateId}>
                    {point.name}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-decision`}>
            {t('security.search.decision')}
          </label>
          <select id={`${id}-decision`} value={filters.decision} onChange={(event) => set('decision')(event.target.value)}>
            <option value="">{t('security.search.anyDecision')}</option>
            <option value="granted">{t('security.feed.granted')}</option>
            <option value="denied">{t('security.feed.denied')}</option>
          </select>
        </div>
        <Field
          label={t('security.search.from')}
          hint={t('security.search.timeHint')}
          type="datetime-local"
          value={filters.from}
          onChange={(event) => set('from')(event.target.value)}
          error={problemText('from')}
        />
        <Field
          label={t('security.search.to')}
          hint={t('security.search.timeHint')}
          type="datetime-local"
          value={filters.to}
          onChange={(event) => set('to')(event.target.value)}
          error={problemText('to')}
        />
        <div className="form__actions sec-search__actions">
          <button type="submit" className="button button--brand" disabled={busy}>
            {t('security.search.submit')}
          </button>
          <button
            type="button"
            className="button button--quiet"
            disabled={busy}
            onClick={() => {
              setFilters(EMPTY_ENTRY_FILTERS);
              setProblems({});
              setResults(undefined);
            }}
          >
            {t('security.search.clear')}
          </button>
        </div>
      </form>
      <FormAlert>{error}</FormAlert>
      {busy && <p role="status">{t('security.search.searching')}</p>}
      {results && results.entries.length === 0 && <p role="status">{t('security.search.empty')}</p>}
      {results && results.entries.length > 0 && (
        <>
          <SearchTable entries={results.entries} />
          {results.nextCursor ? (
            <p>
              <button
                type="button"
                className="button button--quiet"
                disabled={busy}
                onClick={() => void load(results.filters, results.nextCursor, results.entries)}
              >
                {t('security.search.older')}
              </button>
            </p>
          ) : (
            <p className="muted">{t('security.search.end')}</p>
          )}
        </>
      )}
    </section>
  );
}

function SearchTable({ entries }: { readonly entries: readonly LiveEntry[] }) {
  const { t } = useTranslation();
  const { dateTime } = useTimeFormat();
  return (
    <div className="table-scroll">
      <table className="table sec-search__table" data-testid="entry-results">
        <caption>{t('security.search.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('security.feed.time')}</th>
            <th scope="col">{t('security.feed.gate')}</th>
            <th scope="col">{t('security.feed.what')}</th>
            <th scope="col">{t('security.feed.who')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.eventId} data-event-id={entry.eventId}>
              <td className="table__number">
                <time dateTime={entry.occurredAt}>{dateTime(entry.occurredAt)}</time>
              </td>
              <td>{entry.gateName}</td>
              <td>
                <EntryWhat entry={entry} />
                <FlagBadges flags={entry.flags} />
              </td>
              <td>
                <HolderView holder={entry.holder} />
                {entry.passId && <span className="sec-entry__pass">{entry.passId}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
