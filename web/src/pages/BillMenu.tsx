import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../api/endpoints';
import type { BillMenu } from '../api/types';
import { useSession } from '../auth/useSession';
import { Alert } from '../components/Alert';
import { ErrorPanel } from '../components/ErrorPanel';
import { Header } from '../components/Header';
import { Modal } from '../components/Modal';
import { CardSkeleton } from '../components/Skeleton';
import { currentSeoulMonth, formatLine, formatMonth } from '../format';

/** SCR-003 요금 조회 메뉴 */
export function BillMenuPage() {
  const { user } = useSession();
  const navigate = useNavigate();
  const [menu, setMenu] = useState<BillMenu | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [month, setMonth] = useState('');
  const [message, setMessage] = useState<{ kind: 'info' | 'warning' | 'error'; text: string } | null>(null);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const selectRef = useRef<HTMLSelectElement>(null);

  const load = useCallback(() => {
    setError(null);
    setMenu(null);
    api.billMenu().then((data) => {
      setMenu(data);
      let stored: string | null = null;
      try { stored = sessionStorage.getItem('selectedMonth'); } catch { /* storage disabled */ }
      const initial = stored && data.availableMonths.includes(stored) ? stored
        : data.availableMonths.includes(data.defaultMonth) ? data.defaultMonth : data.availableMonths[0] ?? '';
      setMonth(initial);
    }).catch(setError);
  }, []);

  useEffect(() => { load(); }, [load]);
  useEffect(() => {
    if (!menu) return undefined;
    const timer = setTimeout(() => setMessage((m) => m ?? {
      kind: 'info', text: '현재 월이 기본으로 선택되어 있습니다. 다른 월은 목록에서 선택해주세요.' }), 500);
    return () => clearTimeout(timer);
  }, [menu]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => { if (event.key === 'Escape' && !confirmCancel) setMessage(null); };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [confirmCancel]);

  const current = currentSeoulMonth();

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!month) {
      setMessage({ kind: 'error', text: '조회월을 선택해주세요.' });
      selectRef.current?.focus();
      return;
    }
    if (month > current) {
      setMessage({ kind: 'warning', text: '미래 월의 요금은 조회할 수 없습니다.' });
      return;
    }
    try {
      sessionStorage.setItem('selectedMonth', month);
      sessionStorage.setItem('selectedMonthText', formatMonth(month));
    } catch { /* storage disabled */ }
    navigate(`/bill/result?month=${encodeURIComponent(month)}`);
  }

  const closeCancel = useCallback(() => setConfirmCancel(false), []);

  return (
    <div className="app-shell">
      <Header title="요금 조회" onBack={() => setConfirmCancel(true)}
        crumbs={[{ label: '홈', to: '/main' }, { label: '요금 조회' }]} />
      <main className="page page-wide" id="main">
        <section className="card line-card" aria-label="조회 대상 회선">
          <h2 className="card-label">조회 대상 회선</h2>
          <p className="line-value"><span aria-hidden="true">📱 </span>
            <span data-testid="bill-line">{formatLine(menu?.customer.lineNumber ?? user?.lineNumber)}</span>
            {menu?.customer.customerName && <span className="muted"> · {menu.customer.customerName}</span>}
          </p>
        </section>

        {error ? <ErrorPanel error={error} onRetry={load} /> : !menu ? (
          <div aria-busy="true"><p className="sr-only" role="status">조회 가능한 월을 불러오는 중…</p><CardSkeleton lines={4} /></div>
        ) : (
          <section className="card" aria-labelledby="options-title">
            <h2 id="options-title" className="card-title">조회 옵션 설정</h2>
            {message && <Alert kind={message.kind} testId="bill-menu-message">{message.text}</Alert>}
            {menu.monthsSource === 'LOCAL' && (
              <Alert kind="warning">통신사 시스템에서 조회 가능 월을 받지 못해 최근 6개월을 표시합니다.</Alert>
            )}
            <form onSubmit={onSubmit} noValidate>
              <div className="field">
                <label htmlFor="inquiryMonth">조회월 선택</label>
                <select id="inquiryMonth" ref={selectRef} value={month} required aria-describedby="month-help"
                  onChange={(e) => { setMonth(e.target.value); setMessage(null); }}>
                  <option value="" disabled>조회할 월을 선택해주세요</option>
                  {menu.availableMonths.map((m) => (
                    <option key={m} value={m}>{formatMonth(m)}{m === current ? ' (현재 월)' : ''}</option>
                  ))}
                </select>
                <p id="month-help" className="field-help">최근 {menu.availableMonths.length}개월의 요금을 조회할 수 있습니다.</p>
              </div>
              <div className="info-box">
                <h3>조회 가능한 정보</h3>
                <ul>
                  <li>요금 상세 내역 (기본료, 사용 요금, 할인)</li>
                  <li>사용량 정보 (통화 시간, 데이터, SMS)</li>
                  <li>할인 및 혜택 내역</li>
                  <li>단말기 할부금 및 기타 요금</li>
                  <li>약정 정보 및 예상 해지 비용</li>
                </ul>
              </div>
              <div className="button-row">
                <button type="button" className="btn btn-secondary" onClick={() => setConfirmCancel(true)}>취소</button>
                <button type="submit" className="btn btn-primary" data-testid="bill-submit">요금 조회</button>
              </div>
            </form>
          </section>
        )}
      </main>
      {confirmCancel && (
        <Modal title="조회 취소" onClose={closeCancel} testId="bill-cancel-dialog" actions={(
          <>
            <button type="button" className="btn btn-secondary" onClick={closeCancel}>계속 조회</button>
            <button type="button" className="btn btn-primary" onClick={() => navigate('/main')}>메인으로</button>
          </>
        )}>
          <p>요금 조회를 취소하고 메인으로 돌아가시겠습니까?</p>
        </Modal>
      )}
    </div>
  );
}
