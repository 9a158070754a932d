// A bill as the result screen shows it (SCR-004): the summary card and the three
// collapsible cards (charges, usage, extra info). Used by the bill result and by a stored
// inquiry opened from the history. Rows the API does not give are hidden, never invented.
import type { ReactNode } from 'react';
import type { BillInfo, UsageAmount } from '../api/types';
import { formatContract, formatData, formatDate, formatMonth, formatNumber, formatWon, isUnlimited } from '../format';

export interface OpenSections { details: boolean; usage: boolean; extra: boolean }

const PAYMENT_STATUS: Record<string, { text: string; tone: string }> = {
  PAID: { text: '납부 완료', tone: 'success' },
  UNPAID: { text: '미납(청구 예정)', tone: 'warning' },
  OVERDUE: { text: '연체', tone: 'error' },
};

/** The same day one month later ("2026-11-25" → "2026-12-25"; the 31st → the month's last day). */
export function nextMonthDate(value: string | undefined): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value ?? '');
  if (!match) return null;
  const year = Number(match[1]) + (match[2] === '12' ? 1 : 0);
  const month = match[2] === '12' ? 1 : Number(match[2]) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = Math.min(Number(match[3]), last);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Usage beyond a limited allowance, one row per kind (UI.md: its own orange row). */
function overageRows(bill: BillInfo): { label: string; value: string }[] {
  const kinds: [string, UsageAmount, (v: number) => string][] = [
    ['초과 데이터 사용량', bill.usage.data, formatData],
    ['초과 통화 사용량', bill.usage.voice, (v) => `${formatNumber(v)}분`],
    ['초과 SMS/MMS 사용량', bill.usage.sms, (v) => `${formatNumber(v)}건`],
  ];
  return kinds.flatMap(([label, amount, format]) => {
    if (isUnlimited(amount.allowance)) return [];
    const limit = Number(amount.allowance);
    return limit > 0 && amount.used > limit ? [{ label, value: `+${format(amount.used - limit)} (사용 요금에 포함)` }] : [];
  });
}

export function BillView({ bill, source, open, onToggle }: {
  bill: BillInfo; source?: string | null; open: OpenSections; onToggle: (section: keyof OpenSections) => void;
}) {
  const status = bill.paymentInfo?.paymentStatus ? PAYMENT_STATUS[bill.paymentInfo.paymentStatus] : undefined;
  const contractDiscounts = bill.discounts.filter((d) => d.name.includes('약정'));
  const nextBilling = nextMonthDate(bill.paymentInfo?.billingDate);
  const overages = overageRows(bill);
  return (
    <>
      <section className="bill-summary" aria-labelledby="summary-title" data-testid="bill-summary"
        data-source={source}>
        <h2 id="summary-title" className="bill-period">{formatMonth(bill.billingMonth)} 청구 요금</h2>
        <p className="bill-total" data-testid="bill-total">{formatWon(bill.totalAmount)}</p>
        <p className="bill-plan">{bill.productName}</p>
        <div className="bill-summary-box">
          {bill.paymentInfo?.dueDate && <span>납부 기한 {formatDate(bill.paymentInfo.dueDate)}</span>}
          {status && <span className={`badge badge-${status.tone}`} data-testid="payment-status">{status.text}</span>}
        </div>
      </section>

      <Collapsible id="details" icon="💰" title="요금 상세 내역" open={open.details}
        onToggle={() => onToggle('details')}>
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
        onToggle={() => onToggle('usage')}>
        <UsageBar label="데이터" amount={bill.usage.data} format={(v) => formatData(v)} unlimitedBase={999 * 1024} />
        <UsageBar label="통화" amount={bill.usage.voice} format={(v) => `${formatNumber(v)}분`} />
        <UsageBar label="SMS/MMS" amount={bill.usage.sms} format={(v) => `${formatNumber(v)}건`} />
        {overages.length > 0 && (
          <dl className="rows">
            {overages.map((o) => <Row key={o.label} label={o.label} value={o.value} tone="overage" testId="row-overage" />)}
          </dl>
        )}
      </Collapsible>

      <Collapsible id="extra" icon="📄" title="부가 정보" open={open.extra}
        onToggle={() => onToggle('extra')}>
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
          {contractDiscounts.map((d) => (
            <Row key={d.name} label={`약정 할인 (${d.name})`} value={`-${formatWon(Math.abs(d.amount))}`} tone="discount" testId="row-contract-discount" />
          ))}
          {bill.terminationFee !== null && bill.terminationFee !== undefined && (
            <Row label="예상 해지비용" value={formatWon(bill.terminationFee)} />
          )}
          {bill.paymentInfo?.billingDate && <Row label="청구일" value={formatDate(bill.paymentInfo.billingDate)} />}
          {nextBilling && <Row label="다음 청구 예정일" value={formatDate(nextBilling)} testId="row-next-billing" />}
          {bill.paymentInfo?.dueDate && <Row label="납부 기한" value={formatDate(bill.paymentInfo.dueDate)} />}
          {bill.paymentInfo?.paymentMethod && <Row label="납부 방법" value={bill.paymentInfo.paymentMethod} />}
          {status && <Row label="납부 상태" value={status.text} />}
        </dl>
      </Collapsible>
    </>
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

  const text = `${format(amount.used)} / ${unlimited ? '무제한' : format(limit)}`;
  return (
    <div className="usage">
      <div className="usage-head"><span>{label}</span><span>{text}</span></div>
      <div className="usage-track" role="progressbar" aria-label={`${label} 사용량`} aria-valuemin={0}
        aria-valuemax={100} aria-valuenow={Math.round(percent)} aria-valuetext={text}>
        <div className={`usage-bar usage-${level}`} style={{ width: `${unlimited ? Math.max(percent, 2) : percent}%` }} />
      </div>
    </div>
  );
}
