// Display formats (UI.md): 49,500원, 월 69,000원, 010-1234-5678, 2026년 11월.
const won = new Intl.NumberFormat('ko-KR');

export const formatWon = (amount: number | null | undefined) =>
  amount === null || amount === undefined ? '-' : `${won.format(amount)}원`;

export const formatMonthly = (amount: number | null | undefined) => `월 ${formatWon(amount)}`;

export const formatNumber = (value: number) => won.format(value);

/** 01012345678 → 010-1234-5678 (other shapes unchanged). */
export function formatLine(line: string | null | undefined): string {
  if (!line) return '-';
  const digits = line.replace(/\D/g, '');
  if (digits.length === 11) return `${digits.slice(0, 3)}-${digits.slice(3, 7)}-${digits.slice(7)}`;
  if (digits.length === 10) return `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6)}`;
  return line;
}

/** "2026-11" or "202611" → "2026년 11월". */
export function formatMonth(month: string | null | undefined): string {
  if (!month) return '-';
  const match = /^(\d{4})-?(\d{2})$/.exec(month);
  if (!match) return month;
  return `${match[1]}년 ${Number(match[2])}월`;
}

/** The current month in Asia/Seoul, "YYYY-MM" (SPEC §0). */
export function currentSeoulMonth(now = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul', year: 'numeric', month: '2-digit' })
    .formatToParts(now);
  const year = parts.find((p) => p.type === 'year')?.value;
  const month = parts.find((p) => p.type === 'month')?.value;
  return `${year}-${month}`;
}

/** "2026-12-01" or an ISO timestamp → "2026년 12월 1일". */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '-';
  const match = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(value);
  if (!match) return value;
  return `${match[1]}년 ${Number(match[2])}월 ${Number(match[3])}일`;
}

/** An ISO timestamp → "2026-11-25 09:30:00" in Seoul time. */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '-';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const text = new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Asia/Seoul', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
  }).format(date);
  return text;
}

export function isUnlimited(value: number | string | null | undefined): boolean {
  return value === -1 || value === '무제한' || (typeof value === 'string' && /무제한|unlimited/i.test(value));
}

/** An allowance (number, -1 or "무제한", or a text such as "100GB") with its unit. */
export function formatAllowance(value: number | string | null | undefined, unit: string): string {
  if (value === null || value === undefined || value === '') return '-';
  if (isUnlimited(value)) return '무제한';
  if (typeof value === 'number') return `${formatNumber(value)}${unit}`;
  return /^\d+(\.\d+)?$/.test(value) ? `${formatNumber(Number(value))}${unit}` : value;
}

/** Data in MB (the bill's usage unit) → "12.3GB" / "850MB". */
export function formatData(mb: number): string {
  if (mb >= 1024) return `${(mb / 1024).toFixed(mb % 1024 === 0 ? 0 : 1)}GB`;
  return `${formatNumber(mb)}MB`;
}

/** KOS contract types ("24_MONTH", "NONE") in words. */
export function formatContract(type: string | null | undefined): string {
  if (!type) return '약정';
  const months = /^(\d+)_MONTHS?$/.exec(type);
  if (months) return `${months[1]}개월 약정`;
  if (type === 'NONE' || type === 'NO_CONTRACT') return '무약정';
  return type;
}
