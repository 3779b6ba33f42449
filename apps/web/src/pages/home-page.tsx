import { useTranslation } from 'react-i18next';
import { SystemStatus } from '../health/system-status.js';
import { PageHeading } from '../layout/app-shell.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { Link } from '../router/router.js';

const FEATURES = ['profile', 'ecard', 'access'] as const;

export function HomePage() {
  const { t } = useTranslation();
  useDocumentTitle(t('home.pageTitle'));

  return (
    <>
      <section className="hero" aria-labelledby="page-heading">
        <div className="hero__inner">
          <div className="hero__text">
            <p className="hero__eyebrow">{t('home.eyebrow')}</p>
            <PageHeading className="hero__title">{t('home.title')}</PageHeading>
            <p className="hero__intro">{t('home.intro')}</p>
            <div className="hero__actions">
              <Link to="/sign-in" className="button button--primary button--large" aria-describedby="sign-in-hint">
                {t('home.signIn')}
              </Link>
              <p id="sign-in-hint" className="hero__hint">
                {t('home.signInHint')}
              </p>
            </div>
          </div>
          <ECardIllustration />
        </div>
      </section>

      <section className="content features" aria-labelledby="features-heading">
        <h2 id="features-heading" className="section-title">
          {t('home.featuresTitle')}
        </h2>
        <ul className="feature-list">
          {FEATURES.map((feature) => (
            <li key={feature} className={`feature feature--${feature}`}>
              <h3 className="feature__title">{t(`home.features.${feature}.title`)}</h3>
              <p className="feature__body">{t(`home.features.${feature}.body`)}</p>
            </li>
          ))}
        </ul>
      </section>

      <div className="content content--status">
        <SystemStatus />
      </div>
    </>
  );
}

/** Decorative sketch of an Alumni eCard beside the intro on wider screens. */
function ECardIllustration() {
  return (
    <div className="hero__art" aria-hidden="true">
      <div className="ecard">
        <div className="ecard__band">
          <img src="/icons/icon.svg" alt="" width="24" height="24" />
          <span>CampusPass</span>
        </div>
        <div className="ecard__body">
          <div className="ecard__photo" />
          <div className="ecard__lines">
            <span />
            <span />
            <span />
          </div>
          <img className="ecard__qr" src="/icons/icon.svg" alt="" width="72" height="72" />
        </div>
      </div>
    </div>
  );
}
