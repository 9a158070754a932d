import { startTransition, useCallback, useEffect, useRef, useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { api } from '../api/endpoints';
import type { BillInquiryResult } from '../api/types';
import { Alert } from '../components/Alert';
import { BillView, type OpenSections } from '../components/BillView';
import { ErrorPanel } from '../components/ErrorPanel';
import { Header } from '../components/Header';
import { CardSkeleton, Skeleton } from '../components/Skeleton';
import { formatDateTime, formatMonth, formatWon } from '../format';

/** SCR-004 요금 조회 결과 */
export function BillResultPage() {
  const [params] = useSearchParams();
  const month = params.get('month') ?? '';
  const navigate = useNavigate();
  const [result, setResult] = useState<BillInquiryResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<OpenSections>({ details: true, usage: true, extra: false });
  const [announce, setAnnounce] = useState('');
  const seq = useRef(0);

  const load = useCallback(() => {
    if (!month) return;
    const mine = ++seq.current;
    setError(null);
    setResult(null);
    setAnnounce(`${formatMonth(month)} 요금을 조회하고 있습니다.`);
    api.billInquiry(month).then((data) => {
      if (mine !== seq.current) return;
      // A transition: the whole bill renders in slices, not in one long task.
      startTransition(() => {
        setResult(data);
        setAnnounce(`${formatMonth(data.billInfo.billingMonth)} 요금 조회가 완료되었습니다. 총 청구 요금은 ${formatWon(data.billInfo.totalAmount)}입니다.`);
      });
    }).catch((e) => {
      if (mine !== seq.current) return;
      setError(e);
      setAnnounce('요금 조회에 실패했습니다.');
    });
  }, [month]);

  useEffect(() => { load(); }, [load]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setOpen({ details: false, usage: false, extra: false });
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  if (!month) return <Navigate to="/bill/menu" replace />;
  const bill = result?.billInfo;

  return (
    <div className="app-shell">
      <Header title="요금조회 결과" back="/bill/menu"
        crumbs={[{ label: '홈', to: '/main' }, { label: '요금 조회', to: '/bill/menu' }, { label: formatMonth(month) }]} />
      <main className="page page-wide" id="main">
        <p className="sr-only" aria-live="polite" role="status" data-testid="bill-announce">{announce}</p>
        {error ? (
          <ErrorPanel error={error} onRetry={load} />
        ) : !result || !bill ? (
          <div aria-busy="true" data-testid="bill-skeleton" className="bill-loading">
            <div className="bill-summary skeleton-summary"><Skeleton height={18} width="30%" /><Skeleton height={40} width="60%" /><Skeleton height={16} width="40%" /></div>
            <CardSkeleton lines={5} />
            <CardSkeleton lines={3} />
          </div>
        ) : (
          <>
            {result.source === 'STALE_CACHE' && (
              <Alert kind="warning" title="최신 요금이 아닐 수 있습니다" testId="stale-notice">
                통신사 시스템(KOS)에 연결할 수 없어 <strong data-testid="stale-date">{formatDateTime(result.cachedAt)}</strong>
                {' '}기준으로 저장된 요금을 보여드립니다.
              </Alert>
            )}
            <BillView bill={bill} source={result.source} open={open} onToggle={(key) => setOpen((o) => ({ ...o, [key]: !o[key] }))} />
            <p className="muted small">조회 번호 {result.requestId} · {result.source === 'CACHE' ? '저장된 정보' : result.source === 'KOS' ? '실시간 조회' : '이전 저장 정보'}</p>
          </>
        )}
        <div className="button-row">
          <button type="button" className="btn btn-secondary" onClick={() => navigate('/bill/menu')}>다른 월 조회</button>
          <button type="button" className="btn btn-secondary" data-testid="to-bill-history" onClick={() => navigate('/history/bills')}>조회 내역</button>
          <button type="button" className="btn btn-primary" onClick={() => navigate('/main')}>메인으로</button>
        </div>
      </main>
    </div>
  );
}
