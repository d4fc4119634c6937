import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, gql } from './api';

/** What a page loads: the data, the error, and a way to load again after a change. */
export function useQuery<T>(query: string, variables: Record<string, unknown> = {}): { data: T | null; error: ApiError | null; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [generation, setGeneration] = useState(0);
  const key = JSON.stringify(variables);
  useEffect(() => {
    let current = true;
    gql<T>(query, variables).then(
      (answer) => current && (setData(answer), setError(null)),
      (failure: unknown) => current && setError(failure instanceof ApiError ? failure : new ApiError(String(failure), null)),
    );
    return () => {
      current = false;
    };
  }, [query, key, generation]);
  return { data, error, reload: () => setGeneration((value) => value + 1) };
}

/** Runs a mutation, keeping its pending state and its error for the form that sent it. */
export function useMutation<T>(query: string): { run: (variables: Record<string, unknown>) => Promise<T | null>; pending: boolean; error: ApiError | null } {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = async (variables: Record<string, unknown>) => {
    setPending(true);
    setError(null);
    try {
      return await gql<T>(query, variables);
    } catch (failure) {
      setError(failure instanceof ApiError ? failure : new ApiError(String(failure), null));
      return null;
    } finally {
      setPending(false);
    }
  };
  return { run, pending, error };
}

export function ErrorMessage({ error }: { error: ApiError | null }) {
  if (!error) return null;
  return (
    <p class="error" role="alert">
      {error.message}
      {error.code ? <span class="code"> ({error.code})</span> : null}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" role="status">
      Loading {what}…
    </p>
  );
}

/** A value with a button that copies it; says so for screen readers too. */
export function Copyable({ label, value, secret = false }: { label: string; value: string; secret?: boolean }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(value);
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  };
  return (
    <div class="copyable">
      <span class="label">{label}</span>
      <code class={secret ? 'secret' : undefined}>{value}</code>
      <button type="button" onClick={copy} aria-label={`Copy ${label.toLowerCase()}`}>
        Copy
      </button>
      <span role="status" class="copied">
        {copied ? 'Copied' : ''}
      </span>
    </div>
  );
}

export function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

export function when(value: string | null | undefined): string {
  return value ? new Date(value).toLocaleString() : '—';
}
