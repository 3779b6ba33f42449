import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/api.js';
import { uploadFile, type UploadProgress } from '../api/upload.js';
import { errorText } from '../forms/error-text.js';
import { FormAlert } from '../forms/fields.js';
import { PageHeading } from '../layout/app-shell.js';
import { RequireSession } from '../layout/require-session.js';
import { useDocumentTitle } from '../layout/use-document-title.js';

/** The import report (apps/portal/src/alumni/registry.service.ts RegistryImportReport). */
export interface RegistryImportReport {
  readonly rowsRead: number;
  readonly imported: {
    readonly rows: number;
    readonly graduates: { readonly inserted: number; readonly updated: number };
    readonly awards: { readonly inserted: number; readonly updated: number };
  };
  readonly rejected: ReadonlyArray<{ readonly line: number; readonly reason: string }>;
  readonly rejectedCount: number;
}

export const REGISTRY_IMPORT_PATH = '/api/admin/registry/imports';

function isReport(value: unknown): value is RegistryImportReport {
  const record = value as Partial<RegistryImportReport> | null;
  return typeof record === 'object' && record !== null && typeof record.rowsRead === 'number' && Array.isArray(record.rejected);
}

/** The report, whether the portal answers with it or wraps it ({ report }). */
export function readReport(body: unknown): RegistryImportReport | undefined {
  if (isReport(body)) return body;
  const wrapped = (body as { report?: unknown } | null)?.report;
  return isReport(wrapped) ? wrapped : undefined;
}

export function RegistryImportPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('registry.pageTitle'));
  return (
    <RequireSession role="aao-admin" title={t('registry.title')}>
      <RegistryImport />
    </RequireSession>
  );
}

function RegistryImport() {
  const { t, i18n } = useTranslation();
  const [file, setFile] = useState<File>();
  const [fileError, setFileError] = useState<string>();
  const [formError, setFormError] = useState<string>();
  const [progress, setProgress] = useState<UploadProgress>();
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<RegistryImportReport>();
  const [fileName, setFileName] = useState<string>();
  const input = useRef<HTMLInputElement>(null);
  const number = (value: number) => value.toLocaleString(i18n.resolvedLanguage ?? 'en');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFormError(undefined);
    if (!file) {
      setFileError(t('registry.fileRequired'));
      input.current?.focus();
      return;
    }
    setFileError(undefined);
    setBusy(true);
    setReport(undefined);
    setProgress({ loaded: 0, total: file.size });
    try {
      const body = await uploadFile<unknown>(REGISTRY_IMPORT_PATH, 'file', file, { headers: api.unsafeHeaders(), onProgress: setProgress });
      const result = readReport(body);
      if (!result) throw new Error('unexpected answer');
      setFileName(file.name);
      setReport(result);
    } catch (error) {
      setFormError(errorText(t, i18n.resolvedLanguage, error));
    } finally {
      setBusy(false);
      setProgress(undefined);
    }
  };

  const percent = progress && progress.total > 0 ? Math.round((progress.loaded / progress.total) * 100) : 0;

  return (
    <div className="content page page--wide">
      <PageHeading className="page__title">{t('registry.title')}</PageHeading>
      <p className="page__intro">{t('registry.intro')}</p>
      <form className="form card" onSubmit={(event) => void submit(event)} noValidate>
        <FormAlert>{formError}</FormAlert>
        <div className={`field${fileError ? ' field--invalid' : ''}`}>
          <label className="field__label" htmlFor="registry-file">
            {t('registry.file')}
          </label>
          <p className="field__hint" id="registry-file-hint">
            {t('registry.fileHint')}
          </p>
          <input
            ref={input}
            id="registry-file"
            className="field__input field__input--file"
            type="file"
            name="file"
            accept=".csv,text/csv"
            aria-describedby={fileError ? 'registry-file-hint registry-file-error' : 'registry-file-hint'}
            aria-invalid={fileError ? true : undefined}
            onChange={(event) => setFile(event.target.files?.[0])}
          />
          {fileError && (
            <p className="field__error" id="registry-file-error">
              {fileError}
            </p>
          )}
        </div>
        {progress && (
          <div className="upload-progress">
            <label htmlFor="registry-progress">{percent < 100 ? t('registry.uploading', { percent }) : t('registry.processing')}</label>
            <progress id="registry-progress" max={100} value={percent}>
              {percent}%
            </progress>
          </div>
        )}
        <div className="form__actions">
          <button type="submit" className="button button--brand" disabled={busy}>
            {t('registry.submit')}
          </button>
        </div>
      </form>

      {report && (
        <section className="card report" aria-labelledby="report-title" role="status">
          <h2 id="report-title" className="card__title">
            {t('registry.reportTitle', { file: fileName ?? '' })}
          </h2>
          <dl className="report__counts">
            <div>
              <dt>{t('registry.rowsRead')}</dt>
              <dd>{number(report.rowsRead)}</dd>
            </div>
            <div>
              <dt>{t('registry.rowsImported')}</dt>
              <dd>{number(report.imported.rows)}</dd>
            </div>
            <div>
              <dt>{t('registry.graduates')}</dt>
              <dd>
                {t('registry.insertedUpdated', {
                  inserted: number(report.imported.graduates.inserted),
                  updated: number(report.imported.graduates.updated),
                })}
              </dd>
            </div>
            <div>
              <dt>{t('registry.awards')}</dt>
              <dd>
                {t('registry.insertedUpdated', {
                  inserted: number(report.imported.awards.inserted),
                  updated: number(report.imported.awards.updated),
                })}
              </dd>
            </div>
            <div>
              <dt>{t('registry.rejectedCount')}</dt>
              <dd data-testid="rejected-count">{number(report.rejectedCount)}</dd>
            </div>
          </dl>
          {report.rejected.length > 0 && (
            <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="rejected-caption">
              <table className="table">
                <caption id="rejected-caption">
                  {report.rejected.length < report.rejectedCount
                    ? t('registry.rejectedFirst', { shown: number(report.rejected.length), count: report.rejectedCount })
                    : t('registry.rejectedTitle')}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">{t('registry.line')}</th>
                    <th scope="col">{t('registry.reason')}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.rejected.map((row) => (
                    <tr key={`${row.line}-${row.reason}`}>
                      <td className="table__number">{row.line}</td>
                      <td>{row.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
    </div>
  );
}
