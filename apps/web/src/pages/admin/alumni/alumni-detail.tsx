import { useCallback, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { GATE_EVENT_TYPES, type AlumniEntrySummary } from '@campuspass/contracts';
import { adminAlumni, type AlumniDetail } from '../../../api/admin-alumni.js';
import { errorText } from '../../../forms/error-text.js';
import { LoadFailed } from '../../../forms/load-failed.js';
import { useLoaded } from '../../../forms/use-loaded.js';
import { formatDate, formatDateTime } from '../console/format.js';
import { FlagBadges, useReasonText } from '../../security/security-parts.js';
import { NetIdsSection } from './netids-section.js';

const PROVIDERS: Record<string, string> = { google: 'Google', microsoft: 'Microsoft', apple: 'Apple', wechat: 'WeChat' };

/** Granted or denied for a scan, else the kind of event, in the security pages' words (an unknown kind as itself). */
function entryWhat(t: TFunction, entry: AlumniEntrySummary): string {
  if (entry.decision === 'granted' || entry.decision === 'denied') return t(`security.feed.${entry.decision}`);
  const type = GATE_EVENT_TYPES.find((known) => known === entry.type);
  return type ? t(`security.feed.types.${type}`) : entry.type;
}

function Facts({ children }: { readonly children: ReactNode }) {
  return <dl className="aao-facts">{children}</dl>;
}

function Fact({ term, children }: { readonly term: string; readonly children: ReactNode }) {
  return (
    <div className="aao-facts__row">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** One graduate as the AAO sees them; the portal audits the read. */
export function AlumniDetailView({
  graduateId,
  canConfirm,
  onBack,
}: {
  readonly graduateId: string;
  readonly canConfirm: boolean;
  readonly onBack: () => void;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const fetch = useCallback((signal?: AbortSignal) => adminAlumni.detail(graduateId, signal), [graduateId]);
  const describe = useCallback((error: unknown) => errorText(t, language, error), [t, language]);
  const { data, loadError, reload } = useLoaded<AlumniDetail>(fetch, describe);
  // Hong Kong time, whatever the device's zone.
  const dateTime = (value: string) => formatDateTime(language, value);
  const date = (value: string) => formatDate(language, value);

  return (
    <article className="aao-detail" aria-labelledby="aao-detail-name">
      <p>
        <button type="button" className="button button--quiet button--small" onClick={onBack}>
          ← {t('alumniAdmin.detail.back')}
        </button>
      </p>
      {loadError && <LoadFailed message={loadError} onRetry={() => void reload()} />}
      {!data && !loadError && <p role="status">{t('alumniAdmin.detail.loading')}</p>}
      {data && <DetailBody detail={data} graduateId={graduateId} canConfirm={canConfirm} dateTime={dateTime} date={date} />}
    </article>
  );
}

function DetailBody({
  detail,
  graduateId,
  canConfirm,
  dateTime,
  date,
}: {
  readonly detail: AlumniDetail;
  readonly graduateId: string;
  readonly canConfirm: boolean;
  readonly dateTime: (value: string) => string;
  readonly date: (value: string) => string;
}) {
  const { t } = useTranslation();
  const reasonText = useReasonText();
  const { registry, account, profile, ecard, passes, entries } = detail;
  const name = `${registry.name.surname} ${registry.name.givenName}`;
  const none = t('alumniAdmin.detail.none');
  return (
    <>
      <h2 className="aao-detail__name" id="aao-detail-name" data-testid="detail-name">
        {name}
      </h2>
      <div className="aao-detail__grid">
        <section className="card aao-section" aria-labelledby="aao-registry">
          <h2 className="card__title" id="aao-registry">
            {t('alumniAdmin.detail.registry')}
          </h2>
          <Facts>
            <Fact term={t('alumniAdmin.detail.studentNumber')}>{registry.studentNumber}</Fact>
            <Fact term={t('alumniAdmin.detail.dateOfBirth')}>{registry.dateOfBirth}</Fact>
            <Fact term={t('alumniAdmin.detail.registryEmail')}>{registry.email ?? none}</Fact>
            <Fact term={t('alumniAdmin.detail.studentNetId')}>{registry.studentNetId ?? none}</Fact>
            <Fact term={t('alumniAdmin.detail.personalId')}>
              {registry.personalIdOnRecord ? t('alumniAdmin.detail.personalIdOnRecord') : t('alumniAdmin.detail.personalIdNone')}
            </Fact>
            <Fact term={t('alumniAdmin.detail.years')}>
              {registry.firstYear === null
                ? none
                : registry.firstYear === registry.lastYear
                  ? registry.firstYear
                  : `${registry.firstYear}–${registry.lastYear}`}
            </Fact>
          </Facts>
          <h3 className="aao-subheading">{t('alumniAdmin.detail.awards')}</h3>
          <ul className="aao-list">
            {registry.awards.map((award) => (
              <li key={`${award.programme}-${award.award}-${award.graduationYear}`}>
                {t('alumniAdmin.detail.award', {
                  programme: award.programme,
                  award: award.award,
                  institution: award.institution,
                  year: award.graduationYear,
                })}
              </li>
            ))}
          </ul>
        </section>

        <section className="card aao-section" aria-labelledby="aao-account">
          <h2 className="card__title" id="aao-account">
            {t('alumniAdmin.detail.account')}
          </h2>
          {!account ? (
            <p>{t('alumniAdmin.detail.noAccount')}</p>
          ) : (
            <Facts>
              <Fact term={t('alumniAdmin.detail.email')}>{account.email}</Fact>
              <Fact term={t('alumniAdmin.detail.language')}>{account.locale === 'zh-Hant' ? '繁體中文' : 'English'}</Fact>
              <Fact term={t('alumniAdmin.detail.created')}>{dateTime(account.createdAt)}</Fact>
              <Fact term={t('alumniAdmin.detail.lastSignIn')}>
                {account.lastSignInAt ? dateTime(account.lastSignInAt) : t('alumniAdmin.detail.never')}
              </Fact>
              <Fact term={t('alumniAdmin.detail.signInMethods')}>
                <ul className="aao-list">
                  <li>{t('alumniAdmin.detail.methodEmail')}</li>
                  {account.signInMethods.netIds.map((netId) => (
                    <li key={netId}>{t('alumniAdmin.detail.methodNetId', { netId })}</li>
                  ))}
                  {account.signInMethods.social.map((link) => (
                    <li key={`${link.provider}-${link.linkedAt}`}>
                      {t('alumniAdmin.detail.methodSocial', {
                        provider: PROVIDERS[link.provider] ?? link.provider,
                        date: date(link.linkedAt),
                      })}
                    </li>
                  ))}
                </ul>
              </Fact>
            </Facts>
          )}
        </section>

        <NetIdsSection graduateId={graduateId} canConfirm={canConfirm} />

        <section className="card aao-section" aria-labelledby="aao-ecard">
          <h2 className="card__title" id="aao-ecard">
            {t('alumniAdmin.detail.ecard')}
          </h2>
          {!ecard ? (
            <p>{t('alumniAdmin.detail.noEcard')}</p>
          ) : (
            <div className="aao-ecard">
              {ecard.photoUrl && (
                <img
                  className="aao-ecard__photo"
                  src={ecard.photoUrl}
                  alt={t('alumniAdmin.detail.photoAlt', { name })}
                  width="90"
                  height="120"
                />
              )}
              <Facts>
                <Fact term={t('alumniAdmin.detail.alumniNumber')}>{ecard.alumniNumber}</Fact>
                <Fact term={t('alumniAdmin.detail.status')}>
                  {t(`alumniAdmin.ecardStatus.${ecard.status}`)}
                  {ecard.revokedAt &&
                    ` — ${t('alumniAdmin.detail.revoked', { date: dateTime(ecard.revokedAt), reason: ecard.revocationReason ?? '' })}`}
                </Fact>
                <Fact term={t('alumniAdmin.detail.activated')}>{dateTime(ecard.activatedAt)}</Fact>
                <Fact term={t('alumniAdmin.detail.photo')}>{t(`alumniAdmin.photoStatus.${ecard.photoStatus}`)}</Fact>
              </Facts>
            </div>
          )}
        </section>

        <section className="card aao-section" aria-labelledby="aao-profile">
          <h2 className="card__title" id="aao-profile">
            {t('alumniAdmin.detail.profile')}
          </h2>
          {!profile ? (
            <p>{t('alumniAdmin.detail.noProfile')}</p>
          ) : (
            <Facts>
              <Fact term={t('alumniAdmin.detail.phones')}>
                {profile.phones.length ? profile.phones.map((phone) => `${phone.countryCode} ${phone.number}`).join(', ') : none}
              </Fact>
              <Fact term={t('alumniAdmin.detail.address')}>
                {[...profile.address.lines, profile.address.city, profile.address.region, profile.address.country]
                  .filter(Boolean)
                  .join(', ') || none}
              </Fact>
              <Fact term={t('alumniAdmin.detail.additionalEmails')}>{profile.additionalEmails.join(', ') || none}</Fact>
              <Fact term={t('alumniAdmin.detail.newsConsent')}>
                {profile.newsConsent ? t('alumniAdmin.detail.yes') : t('alumniAdmin.detail.no')}
              </Fact>
              <Fact term={t('alumniAdmin.detail.career')}>
                {profile.career.length === 0
                  ? none
                  : profile.career
                      .map(
                        (entry) =>
                          `${entry.title}, ${entry.employer} (${entry.fromMonth}–${entry.toMonth ?? t('alumniAdmin.detail.present')})`,
                      )
                      .join('; ')}
              </Fact>
              <Fact term={t('alumniAdmin.detail.education')}>
                {profile.education.length === 0
                  ? none
                  : profile.education
                      .map((entry) => `${entry.qualification}, ${entry.institution} (${entry.fromYear}–${entry.toYear ?? ''})`)
                      .join('; ')}
              </Fact>
            </Facts>
          )}
        </section>
      </div>

      <section className="card aao-section" aria-labelledby="aao-passes">
        <h2 className="card__title" id="aao-passes">
          {t('alumniAdmin.detail.passes')}
        </h2>
        {passes.length === 0 ? (
          <p>{t('alumniAdmin.detail.noPasses')}</p>
        ) : (
          <div className="aao-table-wrap">
            <table className="aao-table">
              <thead>
                <tr>
                  <th scope="col">{t('alumniAdmin.detail.date')}</th>
                  <th scope="col">{t('alumniAdmin.detail.kind')}</th>
                  <th scope="col">{t('alumniAdmin.detail.status')}</th>
                  <th scope="col">{t('alumniAdmin.detail.pass')}</th>
                </tr>
              </thead>
              <tbody>
                {passes.map((pass) => (
                  <tr key={pass.passId}>
                    <td>{pass.date}</td>
                    <td>{t(`alumniAdmin.detail.passKind.${pass.kind}`)}</td>
                    <td>
                      {t(`alumniAdmin.detail.passStatus.${pass.status}`)}
                      {pass.reason ? ` — ${pass.reason}` : ''}
                    </td>
                    <td>{pass.guestName ? t('alumniAdmin.detail.guest', { name: pass.guestName, purpose: pass.purpose ?? '' }) : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="card aao-section" aria-labelledby="aao-entries">
        <h2 className="card__title" id="aao-entries">
          {t('alumniAdmin.detail.entries')}
        </h2>
        {entries.length === 0 ? (
          <p>{t('alumniAdmin.detail.noEntries')}</p>
        ) : (
          <div className="aao-table-wrap">
            <table className="aao-table">
              <thead>
                <tr>
                  <th scope="col">{t('alumniAdmin.detail.time')}</th>
                  <th scope="col">{t('alumniAdmin.detail.gate')}</th>
                  <th scope="col">{t('alumniAdmin.detail.decision')}</th>
                  <th scope="col">{t('alumniAdmin.detail.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((entry) => (
                  <tr key={`${entry.gateId}-${entry.occurredAt}`}>
                    <td>{dateTime(entry.occurredAt)}</td>
                    <td>{entry.gateName}</td>
                    <td>{entryWhat(t, entry)}</td>
                    <td>
                      {reasonText(entry.reason)}
                      <FlagBadges flags={entry.flags} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
