import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  admin as adminApi,
  AUDIT_ACTOR_TYPES,
  AUDIT_OUTCOMES,
  auditExportUrl,
  auditQuery,
  type AuditEntry,
  type AuditFilters,
} from '../../api/admin.js';
import { errorText } from '../../forms/error-text.js';
import { FormAlert } from '../../forms/fields.js';
import { PageHeading } from '../../layout/app-shell.js';
import { RequireSession } from '../../layout/require-session.js';
import { useDocumentTitle } from '../../layout/use-document-title.js';
import { formatDateTime, isoToLocalInput, localInputToIso } from './console/format.js';

/** Actions and families people look for most (the field takes any action, or a family ending in .*). */
const COMMON_ACTIONS = [
  'staff.*',
  'staff.create',
  'staff.role',
  'staff.deactivate',
  'staff.sign-in',
  'gate.*',
  'gate.create',
  'gate.policy',
  'gate.revoke',
  'keys.*',
  'ecard.*',
  'audit.export',
] as const;

interface FilterDraft {
  action: string;
  actorType: string;
  actor: string;
  subject: string;
  outcome: string;
  /** <input type="datetime-local"> values, Hong Kong time. */
  from: string;
  to: string;
}

const EMPTY: FilterDraft = { action: '', actorType: '', actor: '', subject: '', outcome: '', from: '', to: '' };

/** The filters in the page's address (so a filtered view can be shared and survives a reload). */
function filtersFromLocation(search: string): AuditFilters {
  const parameters = new URLSearchParams(search);
  const value = (name: string) => parameters.get(name)?.trim() || undefined;
  return {
    action: value('action'),
    actorType: value('actorType') as AuditFilters['actorType'],
    actor: value('actor'),
    subject: value('subject'),
    outcome: value('outcome') as AuditFilters['outcome'],
    from: value('from'),
    to: value('to'),
  };
}

function draftOf(filters: AuditFilters): FilterDraft {
  return {
    action: filters.action ?? '',
    actorType: filters.actorType ?? '',
    actor: filters.actor ?? '',
    subject: filters.subject ?? '',
    outcome: filters.outcome ?? '',
    from: isoToLocalInput(filters.from),
    to: isoToLocalInput(filters.to),
  };
}

function filtersOf(draft: FilterDraft): AuditFilters {
  const text = (value: string) => value.trim() || undefined;
  return {
    action: text(draft.action),
    actorType: (text(draft.actorType) as AuditFilters['actorType']) ?? undefined,
    actor: text(draft.actor),
    subject: text(draft.subject),
    outcome: (text(draft.outcome) as AuditFilters['outcome']) ?? undefined,
    from: localInputToIso(draft.from) || undefined,
    to: localInputToIso(draft.to) || undefined,
  };
}

export function AuditLogPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('admin.audit.title'));
  return (
    <RequireSession role={['aao-admin', 'auditor']} title={t('admin.audit.title')}>
      <AuditLog />
    </RequireSession>
  );
}

function AuditLog() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const id = useId();
  const [applied, setApplied] = useState<AuditFilters>(() => filtersFromLocation(window.location.search));
  const [draft, setDraft] = useState<FilterDraft>(() => draftOf(applied));
  const [draftError, setDraftError] = useState<string>();
  const [events, setEvents] = useState<AuditEntry[]>();
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const load = useCallback(
    async (filters: AuditFilters, cursor?: string, signal?: AbortSignal) => {
      setBusy(true);
      setError(undefined);
      try {
        const page = await adminApi.audit(filters, cursor, signal);
        setEvents((current) => (cursor ? [...(current ?? []), ...page.events] : [...page.events]));
        setNextCursor(page.nextCursor);
      } catch (failure) {
        if (!signal?.aborted) setError(errorText(t, language, failure));
      } finally {
        if (!signal?.aborted) setBusy(false);
      }
    },
    [t, language],
  );

  useEffect(() => {
    const controller = new AbortController();
    void load(applied, undefined, controller.signal);
    return () => controller.abort();
  }, [applied, load]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const [from, to] = [localInputToIso(draft.from), localInputToIso(draft.to)];
    if (from && to && from >= to) {
      setDraftError(t('admin.audit.filters.rangeInvalid'));
      return;
    }
    setDraftError(undefined);
    const filters = filtersOf(draft);
    const query = auditQuery(filters);
    window.history.replaceState(null, '', query ? `${window.location.pathname}?${query}` : window.location.pathname);
    setEvents(undefined);
    setApplied(filters);
  };

  const clear = () => {
    setDraft(EMPTY);
    setDraftError(undefined);
    window.history.replaceState(null, '', window.location.pathname);
    setEvents(undefined);
    setApplied({});
  };

  const set = (name: keyof FilterDraft) => (event: { target: { value: string } }) =>
    setDraft((current) => ({ ...current, [name]: event.target.value }));

  return (
    <div className="content page page--wide admin-page">
      <PageHeading className="page__title">{t('admin.audit.title')}</PageHeading>
      <p className="page__intro">{t('admin.audit.intro')}</p>
      <section className="card" aria-labelledby={`${id}-filters`}>
        <h2 id={`${id}-filters`} className="card__title">
          {t('admin.audit.filters.title')}
        </h2>
        <form className="form admin-filters" onSubmit={apply} noValidate>
          <div className="field">
            <label className="field__label" htmlFor={`${id}-action`}>
              {t('admin.audit.filters.action')}
            </label>
            <p className="field__hint" id={`${id}-action-hint`}>
              {t('admin.audit.filters.actionHint')}
            </p>
            <input
              id={`${id}-action`}
              className="field__input"
              list={`${id}-actions`}
              value={draft.action}
              aria-describedby={`${id}-action-hint`}
              onChange={set('action')}
            />
            <datalist id={`${id}-actions`}>
              {COMMON_ACTIONS.map((action) => (
                <option key={action} value={action} />
              ))}
            </datalist>
          </div>
          <div className="field">
            <label className="field__label" htmlFor={`${id}-actor-type`}>
              {t('admin.audit.filters.actorType')}
            </label>
            <select id={`${id}-actor-type`} className="field__input" value={draft.actorType} onChange={set('actorType')}>
              <option value="">{t('admin.audit.filters.any')}</option>
              {AUDIT_ACTOR_TYPES.map((type) => (
                <option key={type} value={type}>
                  {t(`admin.audit.actorType.${type}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label className="field__label" htmlFor={`${id}-actor`}>
              {t('admin.audit.filters.actor')}
            </label>
            <p className="field__hint" id={`${id}-actor-hint`}>
              {t('admin.audit.filters.actorHint')}
            </p>
            <input
              id={`${id}-actor`}
              className="field__input"
              value={draft.actor}
              aria-describedby={`${id}-actor-hint`}
              onChange={set('actor')}
            />
          </div>
          <div className="field">
            <label className="field__label" htmlFor={`${id}-subject`}>
              {t('admin.audit.filters.subject')}
            </label>
            <p className="field__hint" id={`${id}-subject-hint`}>
              {t('admin.audit.filters.subjectHint')}
            </p>
            <input
              id={`${id}-subject`}
              className="field__input"
              value={draft.subject}
              aria-describedby={`${id}-subject-hint`}
              onChange={set('subject')}
            />
          </div>
          <div className="field">
            <label className="field__label" htmlFor={`${id}-outcome`}>
              {t('admin.audit.filters.outcome')}
            </label>
            <select id={`${id}-outcome`} className="field__input" value={draft.outcome} onChange={set('outcome')}>
              <option value="">{t('admin.audit.filters.any')}</option>
              {AUDIT_OUTCOMES.map((outcome) => (
                <option key={outcome} value={outcome}>
                  {t(`admin.audit.outcome.${outcome}`)}
                </option>
              ))}
            </select>
          </div>
          <div className={`field${draftError ? ' field--invalid' : ''}`}>
            <label className="field__label" htmlFor={`${id}-from`}>
              {t('admin.audit.filters.from')}
            </label>
            <input id={`${id}-from`} className="field__input" type="datetime-local" value={draft.from} onChange={set('from')} />
          </div>
          <div className={`field${draftError ? ' field--invalid' : ''}`}>
            <label className="field__label" htmlFor={`${id}-to`}>
              {t('admin.audit.filters.to')}
            </label>
            <input
              id={`${id}-to`}
              className="field__input"
              type="datetime-local"
              value={draft.to}
              aria-invalid={draftError ? true : undefined}
              aria-describedby={draftError ? `${id}-range-error` : undefined}
              onChange={set('to')}
            />
            {draftError && (
              <p className="field__error" id={`${id}-range-error`}>
                {draftError}
              </p>
            )}
          </div>
          <div className="form__actions admin-filters__actions">
            <button type="submit" className="button button--brand" disabled={busy}>
              {t('admin.audit.filters.apply')}
            </button>
            <button type="button" className="button button--quiet" onClick={clear}>
              {t('admin.audit.filters.clear')}
            </button>
          </div>
        </form>
      </section>
      <p className="admin-download">
        <a className="button button--quiet" href={auditExportUrl(applied)} download>
          {t('admin.audit.download')}
        </a>{' '}
        <span className="muted">{t('admin.audit.downloadNote')}</span>
      </p>
      <FormAlert>{error}</FormAlert>
      {events === undefined && !error && <p role="status">{t('common.loading')}</p>}
      {events?.length === 0 && <p role="status">{t('admin.audit.empty')}</p>}
      {events && events.length > 0 && (
        <div className="table-scroll">
          <table className="table admin-table admin-audit" data-testid="audit-log">
            <caption>{t('admin.audit.caption', { shown: events.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.audit.column.time')}</th>
                <th scope="col">{t('admin.audit.column.actor')}</th>
                <th scope="col">{t('admin.audit.column.action')}</th>
                <th scope="col">{t('admin.audit.column.subject')}</th>
                <th scope="col">{t('admin.audit.column.outcome')}</th>
                <th scope="col">{t('admin.audit.column.details')}</th>
              </tr>
            </thead>
            <tbody>
              {events.map((event) => (
                <tr key={event.id} data-testid="audit-entry" data-action={event.action}>
                  <td className="table__number">{formatDateTime(language, event.occurredAt)}</td>
                  <td>
                    {t(`admin.audit.actorType.${event.actorType}`)}
                    {(event.actorName || event.actorId) && <br />}
                    {event.actorName ? `${event.actorName} (${event.actorEmail ?? ''})` : (event.actorId ?? '')}
                    {event.ip && (
                      <>
                        <br />
                        <span className="muted">{event.ip}</span>
                      </>
                    )}
                  </td>
                  <td>
                    <code>{event.action}</code>
                  </td>
                  <td className="admin-audit__subject">
                    {event.targetType || event.targetId ? `${event.targetType ?? ''}:${event.targetId ?? ''}` : '—'}
                  </td>
                  <td>
                    <span className={`admin-badge admin-badge--${event.outcome}`}>{t(`admin.audit.outcome.${event.outcome}`)}</span>
                  </td>
                  <td className="admin-audit__details">
                    {Object.keys(event.details).length > 0 ? <code>{JSON.stringify(event.details)}</code> : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor && (
        <p>
          <button type="button" className="button button--quiet" disabled={busy} onClick={() => void load(applied, nextCursor)}>
            {t('admin.audit.older')}
          </button>
        </p>
      )}
    </div>
  );
}
