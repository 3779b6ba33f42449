import { useTranslation } from 'react-i18next';
import { PageHeading } from '../layout/app-shell.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { Link } from '../router/router.js';

const METHODS = ['email', 'netId', 'social'] as const;

/** Lists the sign-in methods (from the portal FAQ); the sign-in forms come with the identity module. */
export function SignInPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('signIn.pageTitle'));

  return (
    <div className="content page">
      <PageHeading className="page__title">{t('signIn.title')}</PageHeading>
      <p className="page__intro">{t('signIn.intro')}</p>
      <ul className="method-list">
        {METHODS.map((method) => (
          <li key={method} className={`method method--${method}`}>
            <h2 className="method__title">{t(`signIn.methods.${method}.title`)}</h2>
            <p className="method__body">{t(`signIn.methods.${method}.body`)}</p>
          </li>
        ))}
      </ul>
      <p className="page__note">{t('signIn.help')}</p>
      <p>
        <Link to="/" className="back-link">
          {t('signIn.backHome')}
        </Link>
      </p>
    </div>
  );
}
