// A history list's state: the page and filters live in the URL (?page=&from=&to=&status=),
// so back/forward and reloads keep them; the list is fetched when they change.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { HistoryQuery, Page } from './api/types';
import type { FilterValue } from './components/HistoryFilter';

export const PAGE_SIZE = 10;

export function useHistoryList<T>(fetchPage: (query: HistoryQuery, signal: AbortSignal) => Promise<Page<T>>) {
  const [params, setParams] = useSearchParams();
  const filter: FilterValue = { from: params.get('from') ?? '', to: params.get('to') ?? '', status: params.get('status') ?? '' };
  const page = Math.max(1, Number(params.get('page')) || 1);
  const [loaded, setLoaded] = useState<{ key: string; answer: Page<T> } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [reloads, setReloads] = useState(0);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  const key = `${filter.from}|${filter.to}|${filter.status}|${page}`;

  useEffect(() => {
    const controller = new AbortController();
    const [from, to, status] = key.split('|');
    setError(null);
    fetchRef.current({ from, to, status, page, size: PAGE_SIZE }, controller.signal)
      .then((answer) => { setLoaded({ key, answer }); })
      .catch((e) => { if ((e as Error)?.name !== 'AbortError') { setLoaded(null); setError(e); } });
    return () => controller.abort();
  }, [key, page, reloads]);

  const setQuery = useCallback((next: Partial<FilterValue> & { page?: number }) => {
    const merged = { ...filter, page, ...next };
    const search = new URLSearchParams();
    if (merged.from) search.set('from', merged.from);
    if (merged.to) search.set('to', merged.to);
    if (merged.status) search.set('status', merged.status);
    if (merged.page > 1) search.set('page', String(merged.page));
    setParams(search);
  }, [filter, page, setParams]);

  return {
    filter, page, data: loaded?.answer ?? null, error,
    /** a request for the current query is in flight (older rows may still show) */
    busy: !error && loaded?.key !== key,
    applyFilter: (value: FilterValue) => setQuery({ ...value, page: 1 }),
    goToPage: (n: number) => setQuery({ page: n }),
    reload: () => setReloads((n) => n + 1),
  };
}
