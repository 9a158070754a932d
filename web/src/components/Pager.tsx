// Previous / next paging of a SPEC §2 list answer, with "page n of m" announced politely.
import type { PageInfo } from '../api/types';
import { formatNumber } from '../format';

export function Pager({ page, onPage, label }: { page: PageInfo; onPage: (page: number) => void; label: string }) {
  if (page.totalItems === 0) return null;
  return (
    <nav className="pager" aria-label={`${label} 페이지`} data-testid="pager">
      <button type="button" className="btn btn-secondary btn-sm" disabled={!page.hasPrevious}
        onClick={() => onPage(page.number - 1)} data-testid="page-previous">
        <span aria-hidden="true">‹ </span>이전
      </button>
      <p className="pager-status" aria-live="polite" data-testid="page-status">
        {formatNumber(page.number)} / {formatNumber(Math.max(page.totalPages, 1))} 페이지
        <span className="muted"> · 총 {formatNumber(page.totalItems)}건</span>
      </p>
      <button type="button" className="btn btn-secondary btn-sm" disabled={!page.hasNext}
        onClick={() => onPage(page.number + 1)} data-testid="page-next">
        다음<span aria-hidden="true"> ›</span>
      </button>
    </nav>
  );
}
