import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { App } from './app.js';
import { createI18n } from './i18n/i18n.js';
import { browserStorage, detectLanguage, isLanguage, readStoredLanguage } from './i18n/language.js';
import { registerServiceWorker } from './pwa/register-service-worker.js';
import { SessionProvider } from './session/session-context.js';
import './styles.css';
import './styles/admin.css';
import './styles/alumni-admin.css';
import './styles/reports.css';
import './styles/security.css';

const language = detectLanguage(
  readStoredLanguage(browserStorage()),
  navigator.languages.length > 0 ? navigator.languages : [navigator.language],
);
const i18n = createI18n(language);

// <html lang> follows the language, so screen readers, hyphenation and CJK font selection are right.
const applyLanguage = (lng: string): void => {
  document.documentElement.lang = isLanguage(lng) ? lng : language;
};
applyLanguage(i18n.language);
i18n.on('languageChanged', applyLanguage);

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <SessionProvider>
        <App />
      </SessionProvider>
    </I18nextProvider>
  </StrictMode>,
);

// Production builds only: in development a service worker would serve stale modules to Vite's dev server.
if (import.meta.env.PROD) registerServiceWorker();
