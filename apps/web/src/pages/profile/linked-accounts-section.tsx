import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { social, type SocialLink } from '../../api/social.js';
import { errorText } from '../../forms/error-text.js';
import { FormAlert } from '../../forms/fields.js';
import { Section } from './section-parts.js';

/** The social accounts linked for sign-in: provider, email seen there, linked date; each removable. */
export function LinkedAccountsSection() {
  const { t, i18n } = useTranslation();
  const [links, setLinks] = useState<readonly SocialLink[]>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const justLinked = new URLSearchParams(window.location.search).get('socialLinked') === '1';

  const load = useCallback(async () => {
    try {
      setLinks((await social.links()).links);
    } catch (failure) {
      setError(errorText(t, i18n.resolvedLanguage, failure));
    }
  }, [t, i18n.resolvedLanguage]);

  useEffect(() => {
    void load();
  }, [load]);

  const remove = async (link: SocialLink) => {
    if (!window.confirm(t('social.removeConfirm', { provider: link.providerName }))) return;
    setBusy(link.id);
    setError(undefined);
    setNotice(undefined);
    try {
      await social.removeLink(link.id);
      await load();
      setNotice(t('social.removed', { provider: link.providerName }));
    } catch (failure) {
      setError(errorText(t, i18n.resolvedLanguage, failure));
    } finally {
      setBusy(undefined);
    }
  };

  const date = (iso: string) => new Date(iso).toLocaleDateString(i18n.resolvedLanguage === 'zh-Hant' ? 'zh-HK' : 'en-GB');

  return (
    <Section id="linked-accounts" title={t('social.linkedTitle')}>
      {justLinked && <FormAlert tone="success">{t('social.linkedNow')}</FormAlert>}
      <FormAlert tone="success">{notice}</FormAlert>
      <FormAlert>{error}</FormAlert>
      <p className="form__hint">{t('social.linkedIntro')}</p>
      {links === undefined && !error && <p role="status">{t('common.loading')}</p>}
      {links?.length === 0 && <p>{t('social.linkedNone')}</p>}
      {links && links.length > 0 && (
        <ul className="linked-accounts">
          {links.map((link) => (
            <li key={link.id} className="linked-accounts__item">
              <div>
                <strong>{link.providerName}</strong>
                {link.emailSeen && <span className="linked-accounts__email"> · {link.emailSeen}</span>}
                {link.displayName && <span className="linked-accounts__name"> · {link.displayName}</span>}
                <div className="form__hint">{t('social.linkedOn', { date: date(link.linkedAt) })}</div>
              </div>
              <button
                type="button"
                className="button button--small button--quiet"
                disabled={busy === link.id}
                onClick={() => void remove(link)}
                aria-label={t('social.removeLabel', { provider: link.providerName })}
              >
                {t('social.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
