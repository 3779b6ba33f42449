import { useTranslation } from 'react-i18next';
import { FormAlert } from './fields.js';

/** What went wrong loading a page, and a button to try again. */
export function LoadFailed({ message, onRetry }: { readonly message: string; readonly onRetry: () => void }) {
  const { t } = useTranslation();
  return (
    <>
      <FormAlert>{message}</FormAlert>
      <p>
        <button type="button" className="button button--quiet" onClick={onRetry}>
          {t('common.retry')}
        </button>
      </p>
    </>
  );
}
