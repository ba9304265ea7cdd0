// A text input that edits a local draft and commits on Enter or blur, so typing a value
// is one undo step rather than one per key. Escape restores the committed value.
import { useEffect, useState } from 'react';

interface Props {
  value: string;
  onCommit(value: string): void;
  /** Shown under the field while the draft is not acceptable. */
  validate?(draft: string): string | null;
  /**
   * Whether a draft can be stored despite a validate error (a number out of range stays in
   * the document, marks its node and blocks Run; text that is no number at all cannot).
   * Without it, a draft with an error is not committed.
   */
  canCommit?(draft: string): boolean;
  placeholder?: string;
  type?: 'text' | 'number';
  testId?: string;
  inputProps?: Record<string, string | number | undefined>;
  /** A textarea: Enter makes a new line, Ctrl+Enter or blur commits. */
  multiline?: boolean;
  /** The element id a <label htmlFor> points at. */
  id?: string;
  /** Id of the help text read after the label. */
  describedBy?: string;
}

export function TextDraftInput({ value, onCommit, validate, canCommit, placeholder, type = 'text', testId, inputProps, multiline, id, describedBy }: Props) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const error = validate ? validate(draft) : null;
  const commit = () => {
    if (draft !== value && (canCommit ? canCommit(draft) : !error)) onCommit(draft);
  };
  if (multiline) {
    return (
      <>
        <textarea
          className={`wh-input wh-textarea${error ? ' wh-input--invalid' : ''}`}
          value={draft}
          placeholder={placeholder}
          rows={Math.min(8, Math.max(3, draft.split('\n').length + 1))}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) commit();
            if (e.key === 'Escape') setDraft(value);
          }}
          aria-invalid={error ? true : undefined}
          id={id}
          aria-describedby={describedBy}
          data-testid={testId}
        />
        {error && <span className="wh-field__error" data-testid={testId ? `${testId}-error` : undefined}>{error}</span>}
      </>
    );
  }
  return (
    <>
      <input
        className={`wh-input${error ? ' wh-input--invalid' : ''}`}
        type={type}
        value={draft}
        placeholder={placeholder}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') setDraft(value);
        }}
        aria-invalid={error ? true : undefined}
        id={id}
        aria-describedby={describedBy}
        data-testid={testId}
        {...inputProps}
      />
      {error && <span className="wh-field__error" data-testid={testId ? `${testId}-error` : undefined}>{error}</span>}
    </>
  );
}
