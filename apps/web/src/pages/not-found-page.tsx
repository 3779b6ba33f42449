import { useTranslation } from 'react-i18next';
import { PageHeading } from '../layout/app-shell.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { Link } from '../router/router.js';

export function NotFoundPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('notFound.pageTitle'));

  return (
    <div className="content page">
      <PageHeading className="page__title">{t('notFound.title')}</PageHeading>
      <p className="page__intro">{t('notFound.body')}</p>
      <p>
        <Link to="/" className="back-link">
          {t('notFound.backHome')}
        </Link>
      </p>
    </div>
  );
}
