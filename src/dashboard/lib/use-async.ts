import { type DependencyList, useCallback, useEffect, useRef, useState } from "react";

export interface AsyncState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Runs the request again, keeping the data shown meanwhile. */
  reload(): void;
  /** Replaces the data locally (after an edit the server confirmed). */
  setData(update: (current: T | undefined) => T | undefined): void;
}

/**
 * Runs `load` whenever `deps` change; an answer that arrives after newer deps is dropped,
 * so a slow reply never overwrites a fresher one.
 */
export function useAsync<T>(load: () => Promise<T>, deps: DependencyList): AsyncState<T> {
  const [data, setDataState] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  const latest = useRef(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names the deps.
  useEffect(() => {
    const run = ++latest.current;
    setLoading(true);
    load().then(
      (value) => {
        if (run !== latest.current) return;
        setDataState(value);
        setError(undefined);
        setLoading(false);
      },
      (reason: unknown) => {
        if (run !== latest.current) return;
        setError(reason);
        setLoading(false);
      },
    );
  }, [...deps, version]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  const setData = useCallback(
    (update: (current: T | undefined) => T | undefined) => setDataState(update),
    [],
  );
  return { data, error, loading, reload, setData };
}
