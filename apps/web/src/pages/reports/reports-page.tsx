import { lazy, Suspense, useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client.js';
import { entriesCsvUrl, reports, type ReportGate, type ReportRange, type ReportSummary } from '../../api/reports.js';
import { errorText } from '../../forms/error-text.js';
import { FormAlert } from '../../forms/fields.js';
import { PageHeading } from '../../layout/app-shell.js';
import { ErrorBoundary, RenderFailure } from '../../layout/error-boundary.js';
import { RequireSession } from '../../layout/require-session.js';
import { useDocumentTitle } from '../../layout/use-document-title.js';
import { checkRange, hongKongToday, presetOf, presetRange, RANGE_PRESETS, type RangePreset, type RangeProblem } from './report-range.js';

// recharts is big: the charts load only when a report is shown, so the alumni app's bundle does not carry them.
const ReportCharts = lazy(() => import('./report-charts.js'));

const DEFAULT_PRESET: RangePreset = 'last30';

/** AAO admins and auditors: entries at the gates as charts and figures, and the CSV export of the period. */
export function ReportsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('reports.title'));
  return (
    <RequireSession role={['aao-admin', 'auditor']} title={t('reports.title')}>
      <Reports />
    </RequireSession>
  );
}

/** The range in the address (?from=&to=&gateId=), so a report can be bookmarked or shared; else the default preset. */
function initialRange(today: string): ReportRange {
  const query = new URLSearchParams(window.location.search);
  const from = query.get('from') ?? '';
  const to = query.get('to') ?? '';
  const gateId = query.get('gateId') ?? '';
  if (checkRange(from, to) === undefined) return { from, to, gateId };
  return { ...presetRange(DEFAULT_PRESET, today), gateId };
}

function Reports() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const today = useRef(hongKongToday()).current;
  const [fields, setFields] = useState<ReportRange>(() => initialRange(today));
  const [shown, setShown] = useState<ReportRange>();
  const [summary, setSummary] = useState<ReportSummary>();
  const [gates, setGates] = useState<readonly ReportGate[]>([]);
  const [problem, setProblem] = useState<RangeProblem>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const request = useRef<AbortController | undefined>(undefined);
  const id = useId();

  const load = useCallback(
    async (range: ReportRange) => {
      request.current?.abort();
      const controller = new AbortController();
      request.current = controller;
      setBusy(true);
      setError(undefined);
      try {
        const result = await reports.summary(range, controller.signal);
        if (controller.signal.aborted) return;
        setSummary(result);
        setShown(range);
        const query = new URLSearchParams({ from: range.from, to: range.to });
        if (range.gateId) query.set('gateId', range.gateId);
        window.history.replaceState(null, '', `${window.location.pathname}?${query.toString()}`);
      } catch (failure) {
        if (controller.signal.aborted) return;
        setError(
          isApiError(failure) && failure.code === 'report-gate-not-found'
            ? t('reports.problems.report-gate-not-found')
            : errorText(t, language, failure),
        );
      } finally {
        if (request.current === controller) setBusy(false);
      }
    },
    [t, language],
  );

  useEffect(() => {
    void load(fields);
    reports.gates().then(setGates, () => setGates([]));
    return () => request.current?.abort();
    // The first report only (with the range the page opened with): later ones follow the filter.
  }, []);

  const apply = (range: ReportRange) => {
    setFields(range);
    const found = checkRange(range.from, range.to);
    setProblem(found);
    if (!found) void load(range);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    apply(fields);
  };

  const preset = presetOf(fields.from, fields.to, today) ?? 'custom';
  const gateName = (gateId: string) => gates.find((gate) => gate.id === gateId)?.name ?? gateId;
  const dateProblem = problem === 'from-invalid' || problem === 'reversed' || problem === 'too-long' ? problem : undefined;

  return (
    <div className="content page page--wide reports">
      <PageHeading className="page__title">{t('reports.title')}</PageHeading>
      <p className="page__intro">{t('reports.intro')}</p>

      <form className="card reports-filter" onSubmit={submit} noValidate aria-labelledby={`${id}-legend`}>
        <h2 className="card__title" id={`${id}-legend`}>
          {t('reports.filters.legend')}
        </h2>
        <div className="reports-filter__row">
          <div className="field">
            <label className="field__label" htmlFor={`${id}-preset`}>
              {t('reports.filters.preset')}
            </label>
            <select
              id={`${id}-preset`}
              className="field__input"
              value={preset}
              onChange={(event) => {
                const value = event.target.value as RangePreset | 'custom';
                if (value !== 'custom') apply({ ...fields, ...presetRange(value, today) });
              }}
            >
              {RANGE_PRESETS.map((option) => (
                <option key={option} value={option}>
                  {t(`reports.filters.presets.${option}`)}
                </option>
              ))}
              <option value="custom">{t('reports.filters.presets.custom')}</option>
            </select>
          </div>
          <div className={`field${dateProblem ? ' field--invalid' : ''}`}>
            <label className="field__label" htmlFor={`${id}-from`}>
              {t('reports.filters.from')}
            </label>
            <input
              id={`${id}-from`}
              className="field__input"
              type="date"
              value={fields.from}
              max={today}
              aria-invalid={dateProblem ? true : undefined}
              aria-describedby={`${id}-dates-hint${problem ? ` ${id}-problem` : ''}`}
              onChange={(event) => setFields({ ...fields, from: event.target.value })}
            />
          </div>
          <div className={`field${problem === 'to-invalid' ? ' field--invalid' : ''}`}>
            <label className="field__label" htmlFor={`${id}-to`}>
              {t('reports.filters.to')}
            </label>
            <input
              id={`${id}-to`}
              className="field__input"
              type="date"
              value={fields.to}
              aria-invalid={problem === 'to-invalid' ? true : undefined}
              aria-describedby={`${id}-dates-hint${problem ? ` ${id}-problem` : ''}`}
              onChange={(event) => setFields({ ...fields, to: event.target.value })}
            />
          </div>
          <div className="field">
            <label className="field__label" htmlFor={`${id}-gate`}>
              {t('reports.filters.gate')}
            </label>
            <select
              id={`${id}-gate`}
              className="field__input"
              value={fields.gateId}
              onChange={(event) => apply({ ...fields, gateId: event.target.value })}
            >
              <option value="">{t('reports.filters.allGates')}</option>
              {gates.map((gate) => (
                <option key={gate.id} value={gate.id}>
                  {gate.status === 'revoked' ? t('reports.filters.gateRevoked', { name: gate.name }) : gate.name}
                </option>
              ))}
            </select>
          </div>
          <div className="form__actions">
            <button type="submit" className="button button--brand" disabled={busy}>
              {t('reports.filters.show')}
            </button>
          </div>
        </div>
        <p className="field__hint" id={`${id}-dates-hint`}>
          {t('reports.filters.datesHint')}
        </p>
        {problem && (
          <p className="field__error" id={`${id}-problem`} role="alert">
            {t(`reports.problems.${problem}`)}
          </p>
        )}
      </form>

      <FormAlert>{error}</FormAlert>
      {!summary && !error && <p role="status">{t('reports.loading')}</p>}

      {summary && shown && (
        <section className="reports-result" aria-labelledby={`${id}-showing`} aria-busy={busy}>
          <div className="reports-result__head">
            <p className="reports-result__range" id={`${id}-showing`} role="status">
              {t('reports.showing', {
                from: summary.from,
                to: summary.to,
                gate: summary.gateId ? gateName(summary.gateId) : t('reports.filters.allGates'),
              })}
            </p>
            <a className="button button--quiet button--small" href={entriesCsvUrl(shown)} download>
              {t('reports.download')}
            </a>
          </div>
          <p className="field__hint">{t('reports.downloadHint')}</p>
          <Totals summary={summary} />
          {summary.totals.visits === 0 && summary.totals.denied === 0 && <p>{t('reports.empty')}</p>}
          {/* The charts come in their own chunk: if it cannot load (offline, a newer deploy) the figures above stay. */}
          <ErrorBoundary resetKey={JSON.stringify(shown)} fallback={<RenderFailure part="section" />}>
            <Suspense fallback={<p role="status">{t('reports.loadingCharts')}</p>}>
              <ReportCharts summary={summary} csvUrl={entriesCsvUrl(shown)} />
            </Suspense>
          </ErrorBoundary>
        </section>
      )}
    </div>
  );
}

function Totals({ summary }: { readonly summary: ReportSummary }) {
  const { t, i18n } = useTranslation();
  const number = (value: number) => value.toLocaleString(i18n.resolvedLanguage ?? 'en');
  const items = [
    ['visits', summary.totals.visits],
    ['alumniVisits', summary.totals.alumniVisits],
    ['guestVisits', summary.totals.guestVisits],
    ['uniqueAlumni', summary.totals.uniqueAlumni],
    ['uniqueGuests', summary.totals.uniqueGuests],
    ['denied', summary.totals.denied],
  ] as const;
  return (
    <section aria-labelledby="reports-totals-title">
      <h2 className="visually-hidden" id="reports-totals-title">
        {t('reports.totals.title')}
      </h2>
      <dl className="reports-totals">
        {items.map(([key, value]) => (
          <div className="reports-totals__item" key={key} data-testid={`total-${key}`}>
            <dt>{t(`reports.totals.${key}`)}</dt>
            <dd>{number(value)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
