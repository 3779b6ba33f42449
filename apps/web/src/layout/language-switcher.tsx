import { useTranslation } from 'react-i18next';
import { SUPPORTED_LANGUAGES, browserStorage, storeLanguage, type Language } from '../i18n/language.js';

/**
 * English / 繁體中文 toggle. Each button names its language in that language (and says so with `lang`, so a
 * screen reader pronounces it right); the pressed one is the current language.
 */
export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  const current = i18n.resolvedLanguage;

  const choose = (language: Language): void => {
    storeLanguage(browserStorage(), language);
    void i18n.changeLanguage(language);
  };

  return (
    <div className="language-switcher" role="group" aria-label={t('language.label')}>
      {SUPPORTED_LANGUAGES.map((language) => (
        <button
          key={language}
          type="button"
          lang={language}
          className="language-switcher__option"
          aria-pressed={current === language}
          onClick={() => choose(language)}
        >
          {t(`language.${language}`)}
        </button>
      ))}
    </div>
  );
}
