import { useCallback, useEffect, useRef, useState } from 'react';
import { isApiError } from '../api/client.js';

/**
 * Loads what a page shows when it opens, again whenever `fetch` or `describe` change (keep both stable with
 * useCallback, with the language among their inputs), and on `reload`. A failure is worded by `describe`; a
 * "sign in first" one is not shown, as the API client already sends the person to sign in. Only the latest load's
 * answer is kept: one that started earlier and answers later (the page's first load still running when a change
 * reloads) never overwrites it.
 */
export function useLoaded<T>(fetch: (signal?: AbortSignal) => Promise<T>, describe: (error: unknown) => string) {
  const [data, setData] = useState<T>();
  const [loadError, setLoadError] = useState<string>();
  const latest = useRef(0);

  const reload = useCallback(
    async (signal?: AbortSignal) => {
      const load = ++latest.current;
      setLoadError(undefined);
      try {
        const answer = await fetch(signal);
        if (load === latest.current) setData(answer);
      } catch (error) {
        if (signal?.aborted || load !== latest.current) return;
        if (isApiError(error) && error.signInRequired) return;
        setLoadError(describe(error));
      }
    },
    [fetch, describe],
  );

  useEffect(() => {
    const controller = new AbortController();
    void reload(controller.signal);
    return () => controller.abort();
  }, [reload]);

  return { data, setData, loadError, reload };
}
