import type { InputHTMLAttributes, ReactNode } from 'react';
import { useEffect, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../i18n/errors';
import type { QueryState } from '../api/queryState';

export function Loading() {
  const { t } = useTranslation();
  return (
    <p role="status" className="loading">
      {t('app.loading')}
    </p>
  );
}

export function ErrorAlert({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  if (error === null || error === undefined) return null;
  return (
    <div role="alert" className="alert">
      <span>{errorText(t, error)}</span>
      {onRetry === undefined ? null : (
        <button type="button" onClick={onRetry}>
          {t('app.tryAgain')}
        </button>
      )}
    </div>
  );
}

/** Shows a loading state, or an error with "try again", or the content once loaded. */
export function LoadState<T>({ query, children }: { query: QueryState<T>; children: (data: T) => ReactNode }) {
  if (query.data === undefined) {
    return query.error !== null ? <ErrorAlert error={query.error} onRetry={() => void query.refetch()} /> : <Loading />;
  }
  return (
    <>
      {query.error !== null ? <ErrorAlert error={query.error} onRetry={() => void query.refetch()} /> : null}
      {children(query.data)}
    </>
  );
}

/**
 * A labelled form field with its help and its error beside it; the error is tied to the input
 * (aria-describedby, aria-invalid) so a screen reader says which rule refused it.
 */
export function Field({
  label,
  help,
  error,
  children,
}: {
  label: string;
  help?: string | undefined;
  error?: string | null | undefined;
  children: (props: { id: string; 'aria-describedby': string | undefined; 'aria-invalid': boolean }) => ReactNode;
}) {
  const id = useId();
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const describedBy = [help === undefined ? null : helpId, error ? errorId : null].filter((x) => x !== null).join(' ');
  return (
    <div className={error ? 'field field-error' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-describedby': describedBy === '' ? undefined : describedBy, 'aria-invalid': Boolean(error) })}
      {help === undefined ? null : (
        <small id={helpId} className="help">
          {help}
        </small>
      )}
      {error ? (
        <small id={errorId} className="error" role="alert">
          {error}
        </small>
      ) : null}
    </div>
  );
}

export function OnlineBadge({ online }: { online: boolean }) {
  const { t } = useTranslation();
  return <span className={online ? 'badge badge-ok' : 'badge badge-off'}>{online ? t('boxes.online') : t('boxes.offline')}</span>;
}

export function Page({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  useDocumentTitle(title);
  return (
    <section className="page" aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title" tabIndex={-1}>
          {title}
        </h1>
        {actions}
      </div>
      {children}
    </section>
  );
}

/** Each screen names the browser tab (and what a screen reader announces on navigation). */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · kassa`;
  }, [title]);
}

/** A column heading; numeric columns are right-aligned, as amounts are. */
export type Column = ReactNode | { readonly label: ReactNode; readonly numeric: true };

function isNumeric(column: Column): column is { readonly label: ReactNode; readonly numeric: true } {
  return typeof column === 'object' && column !== null && 'numeric' in column;
}

/** The back office's list table: a labelled table that scrolls sideways on a narrow screen. */
export function DataTable({ label, columns, children }: { label: string; columns: readonly Column[]; children: ReactNode }) {
  return (
    <div className="table-wrap">
      <table aria-label={label}>
        <thead>
          <tr>
            {columns.map((column, i) =>
              isNumeric(column) ? (
                <th key={i} scope="col" className="num">
                  {column.label}
                </th>
              ) : (
                <th key={i} scope="col">
                  {column}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** An approval PIN (4 to 8 digits, the contract's Pin), typed hidden on a number pad. */
export function PinInput({
  value,
  onChange,
  ...rest
}: { value: string; onChange: (pin: string) => void } & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'type'>) {
  return (
    <input
      {...rest}
      type="password"
      inputMode="numeric"
      autoComplete="off"
      pattern="[0-9]{4,8}"
      className="short"
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
