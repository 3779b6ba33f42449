import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ReportSummary } from '../../api/reports.js';
import { reasonLabel, type ReasonLabel } from './report-words.js';

/*
 * The report's charts (recharts). This module is loaded lazily by the reports page, so recharts stays out of the
 * bundle the alumni app loads. Every chart has a title, labelled axes, a one-sentence summary and the same figures
 * in a table for screen readers; colour is never the only way to tell series apart (legend, tooltip, table).
 */

// Alumni and guests in the brand's maroon and a teal; denials in amber, drawn as a dashed line or a separate bar.
const COLOURS = { alumni: '#8c1d2f', guests: '#1f6f8b', denied: '#a35400', visits: '#8c1d2f' } as const;
const AXIS_TICK = { fontSize: 12, fill: '#55525c' } as const;

export interface ReportChartsProps {
  readonly summary: ReportSummary;
  /** The CSV export of the same range. */
  readonly csvUrl: string;
}

/** A chart's frame: title, summary sentence, the chart, its table (visually hidden) and the CSV link. */
function ChartCard({
  title,
  summary,
  table,
  csvUrl,
  range,
  children,
  testId,
}: {
  readonly title: string;
  readonly summary: string;
  readonly table: ReactNode;
  readonly csvUrl: string;
  readonly range: { from: string; to: string };
  readonly children: ReactNode;
  readonly testId: string;
}) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <figure className="card reports-chart" aria-labelledby={`${id}-title`} aria-describedby={`${id}-summary`} data-testid={testId}>
      <h2 className="card__title" id={`${id}-title`}>
        {title}
      </h2>
      <p className="reports-chart__summary" id={`${id}-summary`}>
        {summary}
      </p>
      {/* The drawing is for the eye (recharts' own keyboard layer is off): screen readers get the table below. */}
      <div className="reports-chart__plot" aria-hidden="true">
        {children}
      </div>
      <div className="visually-hidden">{table}</div>
      <p className="reports-chart__download">
        <a href={csvUrl} download aria-label={t('reports.downloadLabel', range)}>
          {t('reports.download')}
        </a>
      </p>
    </figure>
  );
}

function FigureTable({
  caption,
  head,
  rows,
}: {
  readonly caption: string;
  readonly head: readonly string[];
  readonly rows: ReadonlyArray<readonly (string | number)[]>;
}) {
  return (
    <table className="table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          {head.map((cell) => (
            <th key={cell} scope="col">
              {cell}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={String(row[0])}>
            {row.map((cell, index) =>
              index === 0 ? (
                <th key={index} scope="row">
                  {cell}
                </th>
              ) : (
                <td key={index} className="table__number">
                  {cell}
                </td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function busiest<T>(items: readonly T[], value: (item: T) => number): T | undefined {
  return items.reduce<T | undefined>((best, item) => (best === undefined || value(item) > value(best) ? item : best), undefined);
}

export default function ReportCharts({ summary, csvUrl }: ReportChartsProps) {
  const { t, i18n } = useTranslation();
  const words: ReasonLabel = (code) => reasonLabel(t, code);
  const range = { from: summary.from, to: summary.to };
  const series = { alumni: t('reports.series.alumni'), guests: t('reports.series.guests'), denied: t('reports.series.denied') };
  const number = (value: number) => value.toLocaleString(i18n.resolvedLanguage ?? 'en');
  const caption = (title: string) => t('reports.charts.tableCaption', { title });

  const days = summary.days.map((day) => ({ ...day, label: day.date.slice(5) }));
  const busiestDay = busiest(summary.days, (day) => day.alumni + day.guests);
  const busiestGate = busiest(summary.gates, (gate) => gate.visits);
  const busiestHour = busiest(summary.hours, (hour) => hour.visits);
  const hours = summary.hours.map((hour) => ({ ...hour, label: t('reports.hour', { hour: String(hour.hour).padStart(2, '0') }) }));
  const denials = summary.denials.map((denial) => ({ ...denial, label: words(denial.reason) }));
  const noVisits = summary.totals.visits === 0;

  return (
    <div className="reports-charts">
      <ChartCard
        testId="chart-per-day"
        title={t('reports.charts.perDay.title')}
        summary={
          noVisits || !busiestDay
            ? t('reports.charts.noData')
            : t('reports.charts.perDay.summary', {
                visits: number(summary.totals.visits),
                days: summary.days.length,
                date: busiestDay.date,
                count: number(busiestDay.alumni + busiestDay.guests),
              })
        }
        csvUrl={csvUrl}
        range={range}
        table={
          <FigureTable
            caption={caption(t('reports.charts.perDay.title'))}
            head={[t('reports.columns.day'), series.alumni, series.guests, series.denied]}
            rows={summary.days.map((day) => [day.date, day.alumni, day.guests, day.denied])}
          />
        }
      >
        <ResponsiveContainer width="100%" height={320}>
          <ComposedChart accessibilityLayer={false} data={days} margin={{ top: 8, right: 16, bottom: 32, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis
              dataKey="label"
              tick={AXIS_TICK}
              minTickGap={8}
              label={{ value: t('reports.charts.perDay.xAxis'), position: 'insideBottom', offset: -20 }}
            />
            <YAxis
              allowDecimals={false}
              tick={AXIS_TICK}
              label={{ value: t('reports.charts.perDay.yAxis'), angle: -90, position: 'insideLeft' }}
            />
            <Tooltip />
            <Legend verticalAlign="top" itemSorter={null} />
            <Bar dataKey="alumni" name={series.alumni} stackId="visits" fill={COLOURS.alumni} isAnimationActive={false} />
            <Bar dataKey="guests" name={series.guests} stackId="visits" fill={COLOURS.guests} isAnimationActive={false} />
            <Line
              dataKey="denied"
              name={series.denied}
              stroke={COLOURS.denied}
              strokeWidth={2}
              strokeDasharray="5 3"
              dot={{ r: 3, fill: COLOURS.denied }}
              isAnimationActive={false}
            />
          </ComposedChart>
        </ResponsiveContainer>
      </ChartCard>

      <ChartCard
        testId="chart-per-gate"
        title={t('reports.charts.perGate.title')}
        summary={
          noVisits || !busiestGate
            ? t('reports.charts.noData')
            : t('reports.charts.perGate.summary', { gate: busiestGate.gateName, count: number(busiestGate.visits) })
        }
        csvUrl={csvUrl}
        range={range}
        table={
          <FigureTable
            caption={caption(t('reports.charts.perGate.title'))}
            head={[t('reports.columns.gate'), series.alumni, series.guests, series.denied]}
            rows={summary.gates.map((gate) => [gate.gateName, gate.alumni, gate.guests, gate.denied])}
          />
        }
      >
        <ResponsiveContainer width="100%" height={Math.max(160, 56 * summary.gates.length + 80)}>
          <BarChart accessibilityLayer={false} data={summary.gates} layout="vertical" margin={{ top: 8, right: 16, bottom: 32, left: 24 }}>
            <CartesianGrid strokeDasharray="3 3" horizontal={false} />
            <XAxis
              type="number"
              allowDecimals={false}
              tick={AXIS_TICK}
              label={{ value: t('reports.charts.perGate.yAxis'), position: 'insideBottom', offset: -20 }}
            />
            <YAxis
              type="category"
              dataKey="gateName"
              width={150}
              tick={AXIS_TICK}
              label={{ value: t('reports.charts.perGate.xAxis'), angle: -90, position: 'left' }}
            />
            <Tooltip />
            <Legend verticalAlign="top" itemSorter={null} />
            <Bar dataKey="alumni" name={series.alumni} stackId="visits" fill={COLOURS.alumni} isAnimationActive={false} />
            <Bar dataKey="guests" name={series.guests} stackId="visits" fill={COLOURS.guests} isAnimationActive={false} />
            <Bar dataKey="denied" name={series.denied} fill={COLOURS.denied} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </ChartCard>

      <ChartCard
        testId="chart-hours"
        title={t('reports.charts.hours.title')}
        summary={
          noVisits || !busiestHour
            ? t('reports.charts.noData')
            : t('reports.charts.hours.summary', {
                hour: t('reports.hour', { hour: String(busiestHour.hour).padStart(2, '0') }),
                count: number(busiestHour.visits),
              })
        }
        csvUrl={csvUrl}
        range={range}
        table={
          <FigureTable
            caption={caption(t('reports.charts.hours.title'))}
            head={[t('reports.columns.hour'), t('reports.series.visits')]}
            rows={hours.map((hour) => [hour.label, hour.visits])}
          />
        }
      >
        <ResponsiveContainer width="100%" height={280}>
          <BarChart accessibilityLayer={false} data={hours} margin={{ top: 8, right: 16, bottom: 32, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis
              dataKey="label"
              tick={AXIS_TICK}
              interval={2}
              label={{ value: t('reports.charts.hours.xAxis'), position: 'insideBottom', offset: -20 }}
            />
            <YAxis
              allowDecimals={false}
              tick={AXIS_TICK}
              label={{ value: t('reports.charts.hours.yAxis'), angle: -90, position: 'insideLeft' }}
            />
            <Tooltip />
            <Bar dataKey="visits" name={t('reports.series.visits')} fill={COLOURS.visits} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </ChartCard>

      <ChartCard
        testId="chart-denials"
        title={t('reports.charts.denials.title')}
        summary={
          denials.length === 0
            ? t('reports.charts.denials.none')
            : t('reports.charts.denials.summary', { count: number(summary.totals.denied), reason: denials[0]!.label })
        }
        csvUrl={csvUrl}
        range={range}
        table={
          <FigureTable
            caption={caption(t('reports.charts.denials.title'))}
            head={[t('reports.columns.reason'), t('reports.columns.count')]}
            rows={denials.map((denial) => [denial.label, denial.count])}
          />
        }
      >
        <ResponsiveContainer width="100%" height={Math.max(160, 44 * denials.length + 80)}>
          <BarChart accessibilityLayer={false} data={denials} layout="vertical" margin={{ top: 8, right: 16, bottom: 32, left: 24 }}>
            <CartesianGrid strokeDasharray="3 3" horizontal={false} />
            <XAxis
              type="number"
              allowDecimals={false}
              tick={AXIS_TICK}
              label={{ value: t('reports.charts.denials.xAxis'), position: 'insideBottom', offset: -20 }}
            />
            <YAxis
              type="category"
              dataKey="label"
              width={220}
              tick={AXIS_TICK}
              label={{ value: t('reports.charts.denials.yAxis'), angle: -90, position: 'left' }}
            />
            <Tooltip />
            <Bar dataKey="count" name={series.denied} fill={COLOURS.denied} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </ChartCard>
    </div>
  );
}
