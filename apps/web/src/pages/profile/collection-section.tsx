import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { profile as profileApi } from '../../api/api.js';
import type { CollectionName, EntryInput, EntryOf } from '../../api/profile.js';
import { FormAlert, focusFirstInvalid } from '../../forms/fields.js';
import type { FieldErrors } from './profile-validation.js';
import { Section, SectionAlert, useFieldError, useSaveProblem, type SaveProblem } from './section-parts.js';

export interface CollectionSpec<C extends CollectionName, D> {
  readonly collection: C;
  readonly title: string;
  readonly addLabel: string;
  readonly emptyText: string;
  readonly limit: number;
  readonly fieldNames: readonly string[];
  /** A short name of an entry for buttons ("Edit <name>"), so each is distinct for screen readers. */
  readonly nameOf: (entry: EntryOf<C>) => string;
  readonly renderEntry: (entry: EntryOf<C>) => ReactNode;
  readonly toDraft: (entry?: EntryOf<C>) => D;
  readonly validate: (draft: D) => FieldErrors;
  readonly toInput: (draft: D) => EntryInput<C>;
  readonly renderForm: (draft: D, change: (next: Partial<D>) => void, error: (name: string) => string | undefined) => ReactNode;
}

type Editing = { readonly kind: 'new' } | { readonly kind: 'entry'; readonly id: string };

/** A list section of the profile (career, education, achievements): add, edit and remove one entry at a time. */
export function CollectionSection<C extends CollectionName, D>({
  spec,
  entries,
  onChange,
  onReload,
}: {
  readonly spec: CollectionSpec<C, D>;
  readonly entries: ReadonlyArray<EntryOf<C>>;
  readonly onChange: (entries: ReadonlyArray<EntryOf<C>>) => void;
  readonly onReload: () => void;
}) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState<Editing>();
  const [draft, setDraft] = useState<D>();
  const [problem, setProblem] = useState<SaveProblem>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const section = useRef<HTMLDivElement>(null);
  const toProblem = useSaveProblem();
  const fieldError = useFieldError(problem?.fields ?? {});

  const open = (next: Editing, entry?: EntryOf<C>) => {
    setEditing(next);
    setDraft(spec.toDraft(entry));
    setProblem(undefined);
    setNotice(undefined);
    requestAnimationFrame(() => form.current?.querySelector<HTMLElement>('input, select, textarea')?.focus());
  };
  const close = () => {
    setEditing(undefined);
    setDraft(undefined);
    setProblem(undefined);
  };
  const reload = () => {
    close();
    onReload();
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!draft || !editing) return;
    const errors = spec.validate(draft);
    if (Object.keys(errors).length > 0) {
      setProblem({ fields: errors, message: t('profile.fixFields') });
      requestAnimationFrame(() => focusFirstInvalid(form.current));
      return;
    }
    setBusy(true);
    setProblem(undefined);
    try {
      const input = spec.toInput(draft);
      if (editing.kind === 'new') {
        const created = await profileApi.add(spec.collection, input);
        onChange([created, ...entries]);
      } else {
        const current = entries.find((entry) => entry.id === editing.id);
        if (!current) throw new Error('entry gone');
        const updated = await profileApi.update(spec.collection, editing.id, current.version, input);
        onChange(entries.map((entry) => (entry.id === editing.id ? updated : entry)));
      }
      close();
      setNotice(t('profile.saved'));
    } catch (error) {
      setProblem(toProblem(error, spec.fieldNames));
      requestAnimationFrame(() => focusFirstInvalid(form.current));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (entry: EntryOf<C>) => {
    if (!window.confirm(t('profile.confirmRemove', { name: spec.nameOf(entry) }))) return;
    setBusy(true);
    setProblem(undefined);
    setNotice(undefined);
    try {
      await profileApi.remove(spec.collection, entry.id, entry.version);
      onChange(entries.filter((other) => other.id !== entry.id));
      setNotice(t('profile.removed'));
      requestAnimationFrame(() => section.current?.querySelector<HTMLElement>('button')?.focus());
    } catch (error) {
      setProblem(toProblem(error, []));
    } finally {
      setBusy(false);
    }
  };

  const change = (next: Partial<D>) => setDraft((current) => (current === undefined ? current : { ...current, ...next }));

  const editor =
    draft !== undefined ? (
      <form ref={form} className="form entry-form" onSubmit={(event) => void save(event)} noValidate>
        <SectionAlert problem={problem} onReload={reload} />
        {spec.renderForm(draft, change, fieldError)}
        <div className="form__actions">
          <button type="submit" className="button button--brand" disabled={busy}>
            {t('profile.save')}
          </button>
          <button type="button" className="button button--quiet" onClick={close} disabled={busy}>
            {t('profile.cancel')}
          </button>
        </div>
      </form>
    ) : undefined;

  return (
    <Section
      id={spec.collection}
      title={spec.title}
      actions={
        !editing &&
        entries.length < spec.limit && (
          <button type="button" className="button button--small button--quiet" onClick={() => open({ kind: 'new' })}>
            {spec.addLabel}
          </button>
        )
      }
    >
      <div ref={section}>
        {notice && <FormAlert tone="success">{notice}</FormAlert>}
        {!editing && <SectionAlert problem={problem} onReload={reload} />}
        {editing?.kind === 'new' && editor}
        {entries.length === 0 && editing?.kind !== 'new' ? (
          <p className="muted">{spec.emptyText}</p>
        ) : (
          <ul className="entry-list">
            {entries.map((entry) => (
              <li key={entry.id} className="entry">
                {editing?.kind === 'entry' && editing.id === entry.id ? (
                  editor
                ) : (
                  <>
                    <div className="entry__body">{spec.renderEntry(entry)}</div>
                    {!editing && (
                      <div className="entry__actions">
                        <button
                          type="button"
                          className="button button--small button--quiet"
                          onClick={() => open({ kind: 'entry', id: entry.id }, entry)}
                          disabled={busy}
                        >
                          {t('profile.edit')}
                          <span className="visually-hidden"> {spec.nameOf(entry)}</span>
                        </button>
                        <button
                          type="button"
                          className="button button--small button--danger"
                          onClick={() => void remove(entry)}
                          disabled={busy}
                        >
                          {t('profile.remove')}
                          <span className="visually-hidden"> {spec.nameOf(entry)}</span>
                        </button>
                      </div>
                    )}
                  </>
                )}
              </li>
            ))}
          </ul>
        )}
      </div>
    </Section>
  );
}
