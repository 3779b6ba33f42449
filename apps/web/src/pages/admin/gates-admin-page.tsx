import { useCallback, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import {
  admin as adminApi,
  enrollCommand,
  GATE_NAME_MAX,
  REVOKE_REASON_MAX,
  REVOKE_REASON_MIN,
  type AdminGate,
  type AdminGatePolicy,
  type IssuedEnrollmentCode,
} from '../../api/admin.js';
import { errorText } from '../../forms/error-text.js';
import { Field, FormAlert, TextAreaField } from '../../forms/fields.js';
import { LoadFailed } from '../../forms/load-failed.js';
import { useLoaded } from '../../forms/use-loaded.js';
import { PageHeading } from '../../layout/app-shell.js';
import { RequireSession } from '../../layout/require-session.js';
import { useDocumentTitle } from '../../layout/use-document-title.js';
import { hasRole, useSession } from '../../session/session-context.js';
import { CopyButton } from './console/copy-button.js';
import { formatDateTime } from './console/format.js';
import { GatePolicyForm } from './console/gate-policy-form.js';

/** A gate whose last heartbeat is older than this is shown offline (gates send one every minute). */
const ONLINE_WITHIN_MS = 3 * 60_000;

export function GatesAdminPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('admin.gates.title'));
  return (
    <RequireSession role={['aao-admin', 'auditor']} title={t('admin.gates.title')}>
      <GatesAdmin />
    </RequireSession>
  );
}

function GatesAdmin() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const { state } = useSession();
  const canAdminister = hasRole(state, 'aao-admin');
  const describe = useCallback((error: unknown) => errorText(t, language, error), [t, language]);
  const fetchGates = useCallback((signal?: AbortSignal) => adminApi.gates(signal), []);
  const { data: gates, loadError, reload } = useLoaded(fetchGates, describe);
  const [issued, setIssued] = useState<IssuedEnrollmentCode>();
  const [done, setDone] = useState<string>();

  const showIssued = async (code: IssuedEnrollmentCode) => {
    // The code is shown only now: at once, whatever the list's reload does.
    setIssued(code);
    setDone(undefined);
    await reload();
  };

  return (
    <div className="content page page--wide admin-page">
      <PageHeading className="page__title">{t('admin.gates.title')}</PageHeading>
      <p className="page__intro">{canAdminister ? t('admin.gates.intro') : t('admin.readOnly')}</p>
      <FormAlert tone="success">{done}</FormAlert>
      {issued && <IssuedCode issued={issued} onDismiss={() => setIssued(undefined)} />}
      {canAdminister && <CreateGateForm onCreated={showIssued} />}
      {loadError && <LoadFailed message={loadError} onRetry={() => void reload()} />}
      {!gates && !loadError && <p role="status">{t('common.loading')}</p>}
      {gates?.length === 0 && <p>{t('admin.gates.empty')}</p>}
      {gates && gates.length > 0 && (
        <ul className="admin-list" aria-label={t('admin.gates.listLabel')}>
          {gates.map((gate) => (
            <GateCard
              key={gate.id}
              gate={gate}
              canAdminister={canAdminister}
              onIssued={showIssued}
              onChanged={async (message) => {
                setIssued(undefined);
                // The list first, then the message: what it announces is on the page when it shows.
                await reload();
                setDone(message);
              }}
            />
          ))}
        </ul>
      )}
    </div>
  );
}

/** The one-time enrollment code, shown once: copy it, or the whole command, to the gate. */
function IssuedCode({ issued, onDismiss }: { readonly issued: IssuedEnrollmentCode; readonly onDismiss: () => void }) {
  const { t, i18n } = useTranslation();
  const command = enrollCommand(issued.enrollmentCode);
  return (
    <section className="card admin-code" aria-labelledby="enrollment-code-title" data-testid="enrollment-code">
      <h2 id="enrollment-code-title" className="card__title">
        {t('admin.gates.code.title', { name: issued.gate.name })}
      </h2>
      <p className="form-alert form-alert--info">{t('admin.gates.code.once')}</p>
      <p className="admin-code__value">
        <code aria-label={t('admin.gates.code.label')}>{issued.enrollmentCode}</code>{' '}
        <CopyButton text={issued.enrollmentCode} label={t('admin.gates.code.copy')} />
      </p>
      <p>{t('admin.gates.code.expires', { time: formatDateTime(i18n.resolvedLanguage ?? 'en', issued.expiresAt) })}</p>
      <p>{t('admin.gates.code.command')}</p>
      <p className="admin-code__command">
        <code>{command}</code> <CopyButton text={command} label={t('admin.gates.code.copyCommand')} />
      </p>
      <button type="button" className="button button--quiet button--small" onClick={onDismiss}>
        {t('admin.gates.code.dismiss')}
      </button>
    </section>
  );
}

function CreateGateForm({ onCreated }: { readonly onCreated: (issued: IssuedEnrollmentCode) => Promise<void> }) {
  const { t, i18n } = useTranslation();
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > GATE_NAME_MAX) {
      setNameError(t('admin.gates.create.nameInvalid'));
      return;
    }
    setNameError(undefined);
    setError(undefined);
    setBusy(true);
    try {
      const issued = await adminApi.createGate(trimmed);
      setName('');
      await onCreated(issued);
    } catch (failure) {
      setError(errorText(t, i18n.resolvedLanguage, failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="create-gate-title">
      <h2 id="create-gate-title" className="card__title">
        {t('admin.gates.create.title')}
      </h2>
      <FormAlert>{error}</FormAlert>
      <form className="form form--inline" onSubmit={(event) => void submit(event)} noValidate>
        <Field
          label={t('admin.gates.create.name')}
          hint={t('admin.gates.create.nameHint')}
          value={name}
          maxLength={GATE_NAME_MAX}
          error={nameError}
          onChange={(event) => setName(event.target.value)}
        />
        <div className="form__actions">
          <button type="submit" className="button button--brand" disabled={busy}>
            {t('admin.gates.create.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

function policySummary(t: TFunction, policy: AdminGatePolicy | null): string {
  if (!policy) return '—';
  const kinds = policy.passKinds.map((kind) => t(`admin.gates.policy.kind.${kind}`)).join(', ');
  const hours =
    policy.hours.length === 0
      ? t('admin.gates.policy.alwaysOpen')
      : policy.hours
          .map((row) => `${row.weekdays.map((day) => t(`admin.gates.policy.weekday.${day as 1}`)).join(' ')} ${row.open}–${row.close}`)
          .join('; ');
  return t('admin.gates.policy.summary', { kinds, zone: policy.zone, seconds: policy.reEntryWindowSeconds, hours });
}

function GateCard({
  gate,
  canAdminister,
  onIssued,
  onChanged,
}: {
  readonly gate: AdminGate;
  readonly canAdminister: boolean;
  readonly onIssued: (issued: IssuedEnrollmentCode) => Promise<void>;
  readonly onChanged: (message: string) => Promise<void>;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const [mode, setMode] = useState<'view' | 'policy' | 'revoke'>('view');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string>();
  const heartbeat = gate.heartbeat;
  const online = heartbeat !== null && Date.now() - Date.parse(heartbeat.receivedAt) < ONLINE_WITHIN_MS;
  const prefix = `gate-${gate.id}`;

  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (failure) {
      setError(errorText(t, language, failure));
    } finally {
      setBusy(false);
    }
  };

  const savePolicy = (policy: AdminGatePolicy) =>
    void act(async () => {
      await adminApi.setGatePolicy(gate.id, policy);
      setMode('view');
      await onChanged(t('admin.gates.policy.saved', { name: gate.name }));
    });

  const revoke = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = reason.trim();
    if (trimmed.length < REVOKE_REASON_MIN || trimmed.length > REVOKE_REASON_MAX) {
      setReasonError(t('admin.gates.revoke.reasonInvalid'));
      return;
    }
    setReasonError(undefined);
    void act(async () => {
      await adminApi.revokeGate(gate.id, trimmed);
      setMode('view');
      await onChanged(t('admin.gates.revoke.done', { name: gate.name }));
    });
  };

  return (
    <li className={`card admin-gate admin-gate--${gate.status}`} aria-labelledby={`${prefix}-name`} data-testid="gate">
      <div className="admin-gate__head">
        <h2 className="card__title" id={`${prefix}-name`}>
          {gate.name}
        </h2>
        <span className={`admin-badge admin-badge--${gate.status}`}>{t(`admin.gates.status.${gate.status}`)}</span>
        {gate.status === 'active' && (
          <span className={`admin-badge admin-badge--${online ? 'online' : 'offline'}`}>
            {online ? t('admin.gates.online') : t('admin.gates.offline')}
          </span>
        )}
      </div>
      <dl className="facts admin-facts">
        <dt>{t('admin.gates.policyLabel')}</dt>
        <dd data-testid="gate-policy">{policySummary(t, gate.policy)}</dd>
        <dt>{t('admin.gates.created')}</dt>
        <dd>{formatDateTime(language, gate.createdAt)}</dd>
        {gate.status === 'pending' && (
          <>
            <dt>{t('admin.gates.codeExpires')}</dt>
            <dd>{formatDateTime(language, gate.enrollmentExpiresAt)}</dd>
          </>
        )}
        <dt>{t('admin.gates.enrolled')}</dt>
        <dd>{formatDateTime(language, gate.enrolledAt)}</dd>
        {gate.revokedAt && (
          <>
            <dt>{t('admin.gates.revoked')}</dt>
            <dd>{formatDateTime(language, gate.revokedAt)}</dd>
          </>
        )}
        <dt>{t('admin.gates.lastHeartbeat')}</dt>
        <dd>{formatDateTime(language, heartbeat?.receivedAt ?? gate.lastSeenAt)}</dd>
        {heartbeat && (
          <>
            <dt>{t('admin.gates.health')}</dt>
            <dd>
              {t('admin.gates.healthLine', {
                relay: t(`admin.gates.device.${heartbeat.relay}`),
                sensor: t(`admin.gates.device.${heartbeat.passageSensor}`),
                input: t(`admin.gates.device.${heartbeat.input}`),
                fire: t(`admin.gates.fire.${heartbeat.fireInput}`),
              })}
            </dd>
            <dt>{t('admin.gates.clock')}</dt>
            <dd>
              {heartbeat.clockTrusted ? t('admin.gates.clockTrusted') : t('admin.gates.clockUntrusted')}
              {heartbeat.clockOffsetMs !== null && ` (${t('admin.gates.clockOffset', { ms: heartbeat.clockOffsetMs })})`}
            </dd>
            <dt>{t('admin.gates.sync')}</dt>
            <dd>
              {t('admin.gates.syncLine', {
                version: heartbeat.bundleVersion,
                pending: heartbeat.outboxPending,
                agent: gate.agentVersion ?? '—',
              })}
            </dd>
          </>
        )}
      </dl>
      <FormAlert>{error}</FormAlert>
      {canAdminister && gate.status !== 'revoked' && mode === 'view' && (
        <div className="form__actions">
          {gate.status === 'pending' && (
            <button
              type="button"
              className="button button--quiet button--small"
              disabled={busy}
              onClick={() => void act(async () => onIssued(await adminApi.newEnrollmentCode(gate.id)))}
            >
              {t('admin.gates.newCode')}
            </button>
          )}
          <button type="button" className="button button--quiet button--small" disabled={busy} onClick={() => setMode('policy')}>
            {t('admin.gates.policy.edit')}
          </button>
          <button type="button" className="button button--danger button--small" disabled={busy} onClick={() => setMode('revoke')}>
            {t('admin.gates.revoke.button')}
          </button>
        </div>
      )}
      {mode === 'policy' && (
        <GatePolicyForm gateName={gate.name} policy={gate.policy} busy={busy} onSave={savePolicy} onCancel={() => setMode('view')} />
      )}
      {mode === 'revoke' && (
        <form className="form admin-confirm" onSubmit={revoke} noValidate>
          <p className="admin-confirm__question">{t('admin.gates.revoke.question', { name: gate.name })}</p>
          <TextAreaField
            label={t('admin.gates.revoke.reason')}
            className="field__input"
            rows={2}
            maxLength={REVOKE_REASON_MAX}
            value={reason}
            error={reasonError}
            onChange={(event) => setReason(event.target.value)}
          />
          <div className="form__actions">
            <button type="submit" className="button button--danger" disabled={busy}>
              {t('admin.gates.revoke.confirm')}
            </button>
            <button type="button" className="button button--quiet" disabled={busy} onClick={() => setMode('view')}>
              {t('admin.cancel')}
            </button>
          </div>
        </form>
      )}
    </li>
  );
}
