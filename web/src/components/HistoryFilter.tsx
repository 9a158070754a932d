// The filter form of a history list: a period (Seoul days, inclusive) and a status.
// Applied on submit, so typing a date does not fire a request per keystroke.
import { useState, type FormEvent } from 'react';

export interface FilterValue {
  from: string;
  to: string;
  status: string;
}

export function HistoryFilter({ value, statuses, onApply }: {
  value: FilterValue;
  statuses: { value: string; label: string }[];
  onApply: (value: FilterValue) => void;
}) {
  const [draft, setDraft] = useState(value);
  const [problem, setProblem] = useState('');
  function submit(event: FormEvent) {
    event.preventDefault();
    if (draft.from && draft.to && draft.from > draft.to) {
      setProblem('시작일이 종료일보다 늦습니다.');
      return;
    }
    setProblem('');
    onApply(draft);
  }
  return (
    <form className="card filter" onSubmit={submit} aria-label="조회 조건" data-testid="history-filter">
      <div className="filter-fields">
        <div className="field">
          <label htmlFor="filter-from">시작일</label>
          <input id="filter-from" type="date" value={draft.from} max={draft.to || undefined}
            aria-invalid={!!problem} aria-describedby={problem ? 'filter-problem' : undefined}
            onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="filter-to">종료일</label>
          <input id="filter-to" type="date" value={draft.to} min={draft.from || undefined}
            onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="filter-status">상태</label>
          <select id="filter-status" value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value })}>
            <option value="">전체</option>
            {statuses.map((s) => <option key={s.value} value={s.value}>{s.label}</option>)}
          </select>
        </div>
      </div>
      {problem && <p id="filter-problem" className="field-error" role="alert">{problem}</p>}
      <div className="button-row">
        <button type="button" className="btn btn-secondary btn-sm"
          onClick={() => { const empty = { from: '', to: '', status: '' }; setDraft(empty); setProblem(''); onApply(empty); }}>
          초기화
        </button>
        <button type="submit" className="btn btn-primary btn-sm" data-testid="filter-apply">적용</button>
      </div>
    </form>
  );
}
