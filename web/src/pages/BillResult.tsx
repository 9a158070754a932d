import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { api } from '../api/endpoints';
import type { BillInquiryResult, UsageAmount } from '../api/types';
import { Alert } from '../components/Alert';
import { ErrorPanel } from '../components/ErrorPanel';
import { Header } from '../components/Header';
import { CardSkeleton, Skeleton } from '../components/Skeleton';
import { formatContract, formatData, formatDate, formatDateTime, formatMonth, formatNumber, formatWon, isUnlimited } from '../format';

const PAYMENT_STATUS: Record<string, { text: string; tone: string }> = {
  PAID: { text: '납부 완료', tone: 'success' },
  UNPAID: { text: '미납(청구 예정)', tone: 'warning' },
  OVERDUE: { text: '연체', tone: 'error' },
};

/** SCR-004 요금 조회 결과 */
export function BillResultPage() {
  const [params] = useSearchParams();
  const month = params.get('month') ?? '';
  const navigate = useNavigate();
  const [result, setResult] = useState<BillInquiryResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState({ details: true, usage: true, extra: false });
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
      setResult(data);
      setAnnounce(`${formatMonth(data.billInfo.billingMonth)} 요금 조회가 완료되었습니다. 총 청구 요금은 ${formatWon(data.billInfo.totalAmount)}입니다.`);
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
  const status = bill?.paymentInfo?.paymentStatus ? PAYMENT_STATUS[bill.paymentInfo.paymentStatus] : undefined;

  return (
    <div className="app-shell">
      <Header title="요금조회 결과" back="/bill/menu"
        crumbs={[{ label: '홈', to: '/main' }, { label: '요금 조회', to: '/bill/menu' }, { label: formatMonth(month) }]} />
      <main className="page page-wide" id="main">
        <p className="sr-only" aria-live="polite" role="status" data-testid="bill-announce">{announce}</p>
        {error ? (
          <ErrorPanel error={error} onRetry={load} />
        ) : !result || !bill ? (
          <div aria-busy="true" data-testid="bill-skeleton">
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
            <section className="bill-summary" aria-labelledby="summary-title" data-testid="bill-summary"
              data-source={result.source}>
              <h2 id="summary-title" className="bill-period">{formatMonth(bill.billingMonth)} 청구 요금</h2>
              <p className="bill-total" data-testid="bill-total">{formatWon(bill.totalAmount)}</p>
              <p className="bill-plan">{bill.productName}</p>
              <div className="bill-summary-box">
                {bill.paymentInfo?.dueDate && <span>납부 기한 {formatDate(bill.paymentInfo.dueDate)}</span>}
                {status && <span className={`badge badge-${status.tone}`} data-testid="payment-status">{status.text}</span>}
              </div>
            </section>

            <Collapsible id="details" icon="💰" title="요금 상세 내역" open={open.details}
              onToggle={() => setOpen((o) => ({ ...o, details: !o.details }))}>
              <dl className="rows">
                <Row label="기본료" value={formatWon(bill.monthlyFee)} testId="row-monthly" />
                <Row label="사용 요금 (통화·데이터·SMS)" value={formatWon(bill.usageFee)} testId="row-usage" />
                {bill.discounts.map((d) => (
                  <Row key={d.name} label={<>할인 금액 <span className="badge badge-success">{d.name}</span></>}
                    value={`-${formatWon(Math.abs(d.amount))}`} tone="discount" />
                ))}
                {bill.discounts.length === 0 && bill.discountAmount > 0 && (
                  <Row label="할인 금액" value={`-${formatWon(bill.discountAmount)}`} tone="discount" />
                )}
                {!!bill.deviceInstallment && <Row label="단말기 할부금" value={formatWon(bill.deviceInstallment)} />}
                {bill.discounts.length > 0 && (
                  <Row label="할인 합계" value={`-${formatWon(Math.abs(bill.discountAmount))}`} tone="discount" />
                )}
              </dl>
              <dl className="rows rows-total">
                <Row label="총 청구 요금" value={formatWon(bill.totalAmount)} tone="total" testId="row-total" />
              </dl>
            </Collapsible>

            <Collapsible id="usage" icon="📊" title="사용량 정보" open={open.usage}
              onToggle={() => setOpen((o) => ({ ...o, usage: !o.usage }))}>
              <UsageBar label="데이터" amount={bill.usage.data} format={(v) => formatData(v)} unlimitedBase={999 * 1024} />
              <UsageBar label="통화" amount={bill.usage.voice} format={(v) => `${formatNumber(v)}분`} />
              <UsageBar label="SMS/MMS" amount={bill.usage.sms} format={(v) => `${formatNumber(v)}건`} />
            </Collapsible>

            <Collapsible id="extra" icon="📄" title="부가 정보" open={open.extra}
              onToggle={() => setOpen((o) => ({ ...o, extra: !o.extra }))}>
              <dl className="rows">
                {bill.installment ? (
                  <Row label="단말기 할부금" value={`${formatWon(bill.installment.monthlyAmount)} (잔여 ${bill.installment.remainingMonths}개월, 잔액 ${formatWon(bill.installment.remainingAmount)})`} />
                ) : bill.deviceInstallment !== null && bill.deviceInstallment !== undefined ? (
                  <Row label="단말기 할부금" value={formatWon(bill.deviceInstallment)} />
                ) : null}
                {bill.installment?.deviceName && <Row label="단말기" value={bill.installment.deviceName} />}
                {bill.contractInfo?.endDate && (
                  <Row label="약정" value={`${formatContract(bill.contractInfo.contractType)} (~${formatDate(bill.contractInfo.endDate)})`} />
                )}
                {bill.terminationFee !== null && bill.terminationFee !== undefined && (
                  <Row label="예상 해지비용" value={formatWon(bill.terminationFee)} />
                )}
                {bill.paymentInfo?.billingDate && <Row label="청구일" value={formatDate(bill.paymentInfo.billingDate)} />}
                {bill.paymentInfo?.dueDate && <Row label="납부 기한" value={formatDate(bill.paymentInfo.dueDate)} />}
                {bill.paymentInfo?.paymentMethod && <Row label="납부 방법" value={bill.paymentInfo.paymentMethod} />}
                {status && <Row label="납부 상태" value={status.text} />}
              </dl>
            </Collapsible>
            <p className="muted small">조회 번호 {result.requestId} · {result.source === 'CACHE' ? '저장된 정보' : result.source === 'KOS' ? '실시간 조회' : '이전 저장 정보'}</p>
          </>
        )}
        <div className="button-row">
          <button type="button" className="btn btn-secondary" onClick={() => navigate('/bill/menu')}>다른 월 조회</button>
          <button type="button" className="btn btn-primary" onClick={() => navigate('/main')}>메인으로</button>
        </div>
      </main>
    </div>
  );
}

function Row({ label, value, tone, testId }: { label: ReactNode; value: ReactNode; tone?: string; testId?: string }) {
  return (
    <div className={`row${tone ? ` row-${tone}` : ''}`} data-testid={testId}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function Collapsible({ id, icon, title, open, onToggle, children }: {
  id: string; icon: string; title: string; open: boolean; onToggle: () => void; children: ReactNode;
}) {
  return (
    <section className="card collapsible">
      <h2 className="collapsible-heading">
        <button type="button" className="collapsible-toggle" aria-expanded={open} aria-controls={`panel-${id}`}
          id={`toggle-${id}`} onClick={onToggle}>
          <span aria-hidden="true">{icon}</span> {title}
          <span className="chevron" aria-hidden="true">{open ? '▼' : '▶'}</span>
        </button>
      </h2>
      <div id={`panel-${id}`} role="region" aria-labelledby={`toggle-${id}`} hidden={!open}>{children}</div>
    </section>
  );
}

function UsageBar({ label, amount, format, unlimitedBase }: {
  label: string; amount: UsageAmount; format: (value: number) => string; unlimitedBase?: number;
}) {
  const unlimited = isUnlimited(amount.allowance);
  const limit = unlimited ? (unlimitedBase ?? 0) : Number(amount.allowance);
  const percent = limit > 0 ? Math.min(100, (amount.used / limit) * 100) : 0;
  const level = unlimited ? 'low' : percent > 90 ? 'high' : percent > 70 ? 'medium' : 'low';
  const over = !unlimited && limit > 0 && amount.used > limit;
  const text = `${format(amount.used)} / ${unlimited ? '무제한' : format(limit)}`;
  return (
    <div className="usage">
      <div className="usage-head"><span>{label}</span><span>{text}</span></div>
      <div className="usage-track" role="progressbar" aria-label={`${label} 사용량`} aria-valuemin={0}
        aria-valuemax={100} aria-valuenow={Math.round(percent)} aria-valuetext={text}>
        <div className={`usage-bar usage-${level}`} style={{ width: `${unlimited ? Math.max(percent, 2) : percent}%` }} />
      </div>
      {over && <p className="usage-over">초과 사용: {format(amount.used - limit)}</p>}
    </div>
  );
}
