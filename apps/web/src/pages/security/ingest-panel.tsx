import { useTranslation } from 'react-i18next';
import type { IngestStatus } from '../../api/security.js';
import { StateLabel, useTimeFormat } from './security-parts.js';
import { durationText } from './wording.js';

/** Ingestion health: queue backlog, lag, events per second, dead letters; "sync waiting" while Redis is unreachable. */
export function IngestPanel({ status, unavailable }: { readonly status: IngestStatus | undefined; readonly unavailable: boolean }) {
  const { t, i18n } = useTranslation();
  const { time } = useTimeFormat();
  const number = new Intl.NumberFormat(i18n.resolvedLanguage ?? 'en', { maximumFractionDigits: 1 });
  const metrics = status?.metrics;
  return (
    <section className="sec-panel sec-ingest" aria-labelledby="sec-ingest-title">
      <div className="sec-panel__head">
        <h2 id="sec-ingest-title" className="sec-panel__title">
          {t('security.ingest.title')}
        </h2>
      </div>
      {!metrics &&
        (unavailable ? <p className="muted">{t('security.ingest.unavailable')}</p> : <p role="status">{t('security.ingest.loading')}</p>)}
      {metrics && (
        <>
          {!metrics.redisReachable && (
            <p className="sec-ingest__down" role="alert">
              <StateLabel tone="warn">{t('security.ingest.redisDown')}</StateLabel>
            </p>
          )}
          <dl className="report__counts sec-ingest__counts">
            <div>
              <dt>{t('security.ingest.waiting')}</dt>
              <dd>{number.format(metrics.queue.waiting)}</dd>
            </div>
            <div>
              <dt>{t('security.ingest.active')}</dt>
              <dd>{number.format(metrics.queue.active)}</dd>
            </div>
            <div>
              <dt>{t('security.ingest.delayed')}</dt>
              <dd>{number.format(metrics.queue.delayed)}</dd>
            </div>
            <div>
              <dt>{t('security.ingest.lag')}</dt>
              <dd>{durationText(metrics.lagMs)}</dd>
            </div>
            <div>
              <dt>{t('security.ingest.rate10')}</dt>
              <dd>{number.format(metrics.eventsPerSecond10s)}</dd>
            </div>
            <div>
              <dt>{t('security.ingest.rate60')}</dt>
              <dd>{number.format(metrics.eventsPerSecond60s)}</dd>
            </div>
            <div>
              <dt>{t('security.ingest.failed')}</dt>
              <dd>{number.format(metrics.queue.failed)}</dd>
            </div>
            <div>
              <dt>{t('security.ingest.deadLetters')}</dt>
              <dd>{number.format(metrics.deadLetters)}</dd>
            </div>
          </dl>
          {status.deadLetters.length > 0 && (
            <div className="table-scroll">
              <table className="table sec-ingest__dead">
                <caption>{t('security.ingest.deadLettersCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('security.ingest.received')}</th>
                    <th scope="col">{t('security.ingest.gate')}</th>
                    <th scope="col">{t('security.ingest.reason')}</th>
                  </tr>
                </thead>
                <tbody>
                  {status.deadLetters.slice(0, 10).map((letter) => (
                    <tr key={letter.id}>
                      <td className="table__number">{time(letter.receivedAt)}</td>
                      <td>{letter.gateId ?? t('security.none')}</td>
                      <td>{letter.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
