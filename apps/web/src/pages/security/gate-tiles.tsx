import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { GateTile } from '../../api/security.js';
import { HealthLabel, StateLabel, useTimeFormat } from './security-parts.js';
import { ageOf, offsetText, percent, type Tone } from './wording.js';

/** The gates as tiles: online or not and since when, bundle, clock, outbox, relay, sensor, scanner and fire input. */
export function GateTiles({
  gates,
  now,
  updatedAt,
  error,
}: {
  readonly gates: readonly GateTile[] | undefined;
  readonly now: number;
  readonly updatedAt: number | undefined;
  readonly error: string | undefined;
}) {
  const { t } = useTranslation();
  const { time } = useTimeFormat();
  return (
    <section className="sec-panel sec-gates" aria-labelledby="sec-gates-title">
      <div className="sec-panel__head">
        <h2 id="sec-gates-title" className="sec-panel__title">
          {t('security.gates.title')}
        </h2>
        {updatedAt !== undefined && (
          <p className="sec-panel__note">{t('security.gates.refreshNote', { time: time(new Date(updatedAt).toISOString()) })}</p>
        )}
      </div>
      {error && (
        <div className="form-alert form-alert--error" role="alert">
          {error}
        </div>
      )}
      {gates === undefined && !error && <p role="status">{t('security.gates.loading')}</p>}
      {gates?.length === 0 && <p>{t('security.gates.empty')}</p>}
      {gates && gates.length > 0 && (
        <ul className="sec-gates__list">
          {gates.map((gate) => (
            <GateTileView key={gate.gateId} gate={gate} now={now} />
          ))}
        </ul>
      )}
    </section>
  );
}

function statusOf(gate: GateTile): { tone: Tone; key: 'online' | 'offline' | 'pending' | 'revoked' } {
  if (gate.status === 'revoked') return { tone: 'none', key: 'revoked' };
  if (gate.status === 'pending') return { tone: 'none', key: 'pending' };
  return gate.online ? { tone: 'ok', key: 'online' } : { tone: 'bad', key: 'offline' };
}

const GateTileView = memo(function GateTileView({ gate, now }: { readonly gate: GateTile; readonly now: number }) {
  const { t } = useTranslation();
  const { time } = useTimeFormat();
  const status = statusOf(gate);
  const age = ageOf(gate.lastHeartbeatAt, now);
  const offset = offsetText(gate.clockOffsetMs);
  const fill = percent(gate.outboxFill);
  const fireActive = gate.fireInput === 'active';
  const titleId = `sec-gate-${gate.gateId}`;
  const clockTone: Tone = gate.clockTrusted === null ? 'none' : gate.clockTrusted ? 'ok' : 'bad';
  const outboxTone: Tone = fill === null ? 'none' : fill >= 80 ? 'bad' : fill >= 50 || (gate.outboxPending ?? 0) > 0 ? 'warn' : 'ok';
  return (
    <li
      className={`sec-gate sec-gate--${status.key}${fireActive ? ' sec-gate--fire' : ''}`}
      aria-labelledby={titleId}
      data-testid="gate-tile"
      data-gate-id={gate.gateId}
    >
      <div className="sec-gate__head">
        <h3 id={titleId} className="sec-gate__name">
          {gate.name}
        </h3>
        <StateLabel tone={status.tone}>{t(`security.gates.${status.key}`)}</StateLabel>
      </div>
      {gate.zone && <p className="sec-gate__zone">{t('security.gates.zone', { zone: gate.zone })}</p>}
      {fireActive && (
        <p className="sec-gate__fire" role="alert">
          <span aria-hidden="true">🔥 </span>
          {t('security.gates.fireInput')}: {t('security.gates.health.active')}
        </p>
      )}
      <dl className="sec-gate__facts">
        <div>
          <dt>{t('security.gates.lastHeartbeat')}</dt>
          <dd>
            {age ? (
              <time dateTime={gate.lastHeartbeatAt ?? undefined} title={time(gate.lastHeartbeatAt)}>
                {t(`security.ago.${age.unit}`, { count: age.count })}
              </time>
            ) : (
              t('security.gates.never')
            )}
          </dd>
        </div>
        <div>
          <dt>{t('security.gates.bundle')}</dt>
          <dd>{gate.bundleVersion === null ? t('security.none') : t('security.gates.bundleVersion', { version: gate.bundleVersion })}</dd>
        </div>
        <div>
          <dt>{t('security.gates.clock')}</dt>
          <dd>
            <StateLabel tone={clockTone}>
              {gate.clockTrusted === null
                ? t('security.gates.clockUnknown')
                : t(gate.clockTrusted ? 'security.gates.clockTrusted' : 'security.gates.clockUntrusted')}
            </StateLabel>
            {offset && <span className="sec-gate__sub"> {t('security.gates.offset', { offset })}</span>}
          </dd>
        </div>
        <div>
          <dt>{t('security.gates.outbox')}</dt>
          <dd>
            {fill === null ? (
              t('security.none')
            ) : (
              <>
                <StateLabel tone={outboxTone}>
                  {t('security.gates.outboxValue', { count: gate.outboxPending ?? 0, percent: fill })}
                </StateLabel>
                <meter className="sec-gate__meter" min={0} max={100} low={50} high={80} optimum={0} value={fill} aria-hidden="true" />
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('security.gates.relay')}</dt>
          <dd>
            <HealthLabel value={gate.relay} />
          </dd>
        </div>
        <div>
          <dt>{t('security.gates.passageSensor')}</dt>
          <dd>
            <HealthLabel value={gate.passageSensor} />
          </dd>
        </div>
        <div>
          <dt>{t('security.gates.input')}</dt>
          <dd>
            <HealthLabel value={gate.input} />
          </dd>
        </div>
        <div>
          <dt>{t('security.gates.fireInput')}</dt>
          <dd>
            <HealthLabel value={gate.fireInput} />
          </dd>
        </div>
        <div>
          <dt>{t('security.gates.lastEntry')}</dt>
          <dd>{time(gate.lastEntryAt)}</dd>
        </div>
        {gate.agentVersion && (
          <div>
            <dt>{t('security.gates.agent')}</dt>
            <dd>{gate.agentVersion}</dd>
          </div>
        )}
      </dl>
    </li>
  );
});
