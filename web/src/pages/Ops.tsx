import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api/endpoints';
import type { OpsStatus, RouteTraffic } from '../api/types';
import { Alert } from '../components/Alert';
import { ErrorPanel } from '../components/ErrorPanel';
import { Header } from '../components/Header';
import { CardSkeleton } from '../components/Skeleton';
import { color, TimeChart } from '../ops/TimeChart';

const POLL_MS = 2000;
const KEEP = 180; // samples: six minutes at one per 2 s
const TOTAL = '전체';

interface Sample {
  t: number; // unix seconds
  routes: Record<string, RouteTraffic>;
}

interface Transition {
  at: number;
  key: string;
  from: string;
  to: string;
}

type Breaker = NonNullable<NonNullable<OpsStatus>['circuitBreakers']>[number];

const STATE_TEXT: Record<string, string> = { closed: '정상 (closed)', open: '차단 (open)', half_open: '시험 중 (half-open)' };
const STATE_TONE: Record<string, string> = { closed: 'success', open: 'error', half_open: 'warning' };
const pct = (v: number | null | undefined) => (v == null ? '-' : `${(v * 100).toFixed(1)}%`);
const ms = (v: number | null | undefined) => (v == null ? '-' : `${+v.toFixed(1)}ms`);

/** ADMIN-only operations dashboard, fed by GET /api/v1/ops/status every two seconds. */
export default function OpsPage() {
  const [status, setStatus] = useState<OpsStatus | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [samples, setSamples] = useState<Sample[]>([]);
  const [transitions, setTransitions] = useState<Transition[]>([]);
  const [route, setRoute] = useState(TOTAL);
  const [paused, setPaused] = useState(false);
  const lastStates = useRef<Map<string, string>>(new Map());

  const poll = useCallback(async (signal?: AbortSignal) => {
    try {
      const data = await api.opsStatus(signal);
      if (!data) return;
      setError(null);
      setStatus(data);
      const t = data.generatedAt ? Date.parse(data.generatedAt) / 1000 : Date.now() / 1000;
      const routes: Record<string, RouteTraffic> = {};
      if (data.totals) routes[TOTAL] = data.totals;
      for (const r of data.routes ?? []) if (r.route) routes[r.route] = r;
      setSamples((prev) => [...prev, { t, routes }].slice(-KEEP));
      const seen: Transition[] = [];
      for (const b of data.circuitBreakers ?? []) {
        const key = `${b.service ?? '?'} / ${b.name ?? '?'}`;
        const before = lastStates.current.get(key);
        if (before !== undefined && before !== b.state) seen.push({ at: t, key, from: before, to: b.state ?? '?' });
        lastStates.current.set(key, b.state ?? '?');
      }
      if (seen.length) setTransitions((prev) => [...seen.reverse(), ...prev].slice(0, 30));
    } catch (e) {
      if ((e as Error)?.name !== 'AbortError') setError(e);
    }
  }, []);

  useEffect(() => {
    if (paused) return undefined;
    const controller = new AbortController();
    void poll(controller.signal);
    const timer = setInterval(() => void poll(controller.signal), POLL_MS);
    return () => { clearInterval(timer); controller.abort(); };
  }, [poll, paused]);

  const routeNames = useMemo(() => {
    const names = new Set<string>();
    samples.forEach((s) => Object.keys(s.routes).forEach((n) => n !== TOTAL && names.add(n)));
    return [...names].sort();
  }, [samples]);
  const topRoutes = useMemo(() => {
    const latest = samples[samples.length - 1];
    return routeNames
      .map((n) => ({ n, rps: latest?.routes[n]?.requestsPerSecond ?? 0 }))
      .sort((a, b) => b.rps - a.rps).slice(0, 6).map((x) => x.n);
  }, [routeNames, samples]);

  const times = samples.map((s) => s.t);
  const rateData = useMemo(() => [times, ...[TOTAL, ...topRoutes].map((n) =>
    samples.map((s) => s.routes[n]?.requestsPerSecond ?? null))], [samples, topRoutes, times]);
  const pick = (fn: (r: RouteTraffic) => number | undefined) => samples.map((s) => {
    const r = s.routes[route];
    const v = r ? fn(r) : undefined;
    return v == null ? null : v;
  });
  const latencyData = [times, pick((r) => r.latencyMs?.p50), pick((r) => r.latencyMs?.p95), pick((r) => r.latencyMs?.p99)];
  const errorData = [times, pick((r) => (r.errorRate ?? 0) * 100), pick((r) => (r.clientErrorRate ?? 0) * 100)];

  // Transitions the gateway recorded (lastTransitions), else those this page saw itself.
  const serverTransitions: Transition[] = (status?.circuitBreakers ?? []).flatMap((b) =>
    (b.lastTransitions ?? []).map((tr) => ({
      at: tr.at ? Date.parse(tr.at) / 1000 : 0, key: `${b.service ?? '?'} / ${b.name ?? '?'}`,
      from: tr.from ?? '?', to: tr.to ?? '?',
    })));
  const allTransitions = (serverTransitions.length ? serverTransitions : transitions)
    .sort((a, b) => b.at - a.at).slice(0, 12);
  // The selected route's slowest recent requests, or the slowest of every route (at most 10).
  const slowRequests = (status?.routes ?? [])
    .filter((r) => route === TOTAL || r.route === route)
    .flatMap((r) => (r.slowest ?? []).map((s) => ({ ...s, route: r.route ?? '?' })))
    .sort((a, b) => (b.latencyMs ?? 0) - (a.latencyMs ?? 0)).slice(0, 10);
  const kosBreakers = (status?.circuitBreakers ?? []).filter((b) => b.service !== 'gateway');
  const gatewayBreakers = (status?.circuitBreakers ?? []).filter((b) => b.service === 'gateway');

  return (
    <div className="app-shell shell-dashboard">
      <Header title="운영 현황" back="/main" crumbs={[{ label: '홈', to: '/main' }, { label: '운영 현황' }]} />
      <main className="page page-dashboard" id="main">
        <div className="ops-toolbar">
          <p className="muted" aria-live="off">
            {status?.generatedAt ? `기준 ${new Date(status.generatedAt).toLocaleTimeString('ko-KR')} · 최근 ${status.windowSeconds ?? 60}초 집계 · 2초마다 갱신` : '불러오는 중…'}
          </p>
          <div className="ops-controls">
            <label htmlFor="ops-route">경로</label>
            <select id="ops-route" value={route} onChange={(e) => setRoute(e.target.value)}>
              <option value={TOTAL}>전체</option>
              {routeNames.map((n) => <option key={n} value={n}>{n}</option>)}
            </select>
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => setPaused((p) => !p)}
              aria-pressed={paused}>{paused ? '다시 시작' : '일시 정지'}</button>
          </div>
        </div>
        {error && !status ? <ErrorPanel error={error} onRetry={() => void poll()} /> : !status ? (
          <div aria-busy="true"><CardSkeleton lines={6} /><CardSkeleton lines={4} /></div>
        ) : (
          <>
            {error && <Alert kind="warning">최근 갱신에 실패했습니다. 마지막으로 받은 값을 보여드립니다.</Alert>}
            <section className="kpis" aria-label="요약">
              <Kpi label="요청/초" value={(status.totals?.requestsPerSecond ?? 0).toFixed(2)} />
              <Kpi label="p50 지연" value={ms(status.totals?.latencyMs?.p50)} />
              <Kpi label="p99 지연" value={ms(status.totals?.latencyMs?.p99)} />
              <Kpi label="오류율 (5xx)" value={pct(status.totals?.errorRate)} tone={(status.totals?.errorRate ?? 0) > 0.01 ? 'error' : undefined} />
              <Kpi label="토큰 캐시 적중률" value={pct(status.tokens?.cacheHitRatio)} />
            </section>
            <div className="chart-grid">
              <TimeChart testId="chart-rate" title="요청률 (요청/초)" unit="/s"
                series={[TOTAL, ...topRoutes].map((n, i) => ({ label: n, color: color(i) }))} data={rateData} />
              <TimeChart testId="chart-latency" title={`지연 시간 — ${route}`} unit="ms"
                series={[{ label: 'p50', color: color(0) }, { label: 'p95', color: color(3) }, { label: 'p99', color: color(1), dash: [6, 4] }]}
                data={latencyData} />
              <TimeChart testId="chart-errors" title={`오류율 — ${route}`} unit="%"
                series={[{ label: '5xx', color: color(1) }, { label: '4xx', color: color(3), dash: [6, 4] }]} data={errorData} />
            </div>

            <section className="card" aria-labelledby="routes-title">
              <h2 id="routes-title" className="card-title">경로별 트래픽 (최근 {status.windowSeconds ?? 60}초)</h2>
              <div className="table-wrap">
                <table className="data-table" data-testid="routes-table">
                  <thead><tr><th scope="col">경로</th><th scope="col">요청</th><th scope="col">요청/초</th><th scope="col">p50</th><th scope="col">p99</th><th scope="col">5xx</th><th scope="col">4xx</th></tr></thead>
                  <tbody>
                    {[...(status.routes ?? [])].sort((a, b) => (b.requests ?? 0) - (a.requests ?? 0)).map((r) => (
                      <tr key={r.route}>
                        <th scope="row"><button type="button" className="link-btn" onClick={() => setRoute(r.route ?? TOTAL)}>{r.route}</button></th>
                        <td>{r.requests ?? 0}</td><td>{(r.requestsPerSecond ?? 0).toFixed(2)}</td>
                        <td>{ms(r.latencyMs?.p50)}</td><td>{ms(r.latencyMs?.p99)}</td>
                        <td>{pct(r.errorRate)}</td><td>{pct(r.clientErrorRate)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>

            <section className="card" aria-labelledby="slow-title" data-testid="slow-requests">
              <h2 id="slow-title" className="card-title">느린 요청 — {route}</h2>
              <p className="muted small">p99가 튀면 원인이 된 요청을 찾아갑니다: 요청 ID는 로그에서, 트레이스 ID는 트레이스 저장소에서.</p>
              {slowRequests.length === 0 ? <p className="muted small">최근 {status.windowSeconds ?? 60}초 동안의 요청이 없습니다.</p> : (
                // Ids are long: on a phone the table scrolls sideways, so the keyboard must reach it.
                <div className="table-wrap" tabIndex={0} role="region" aria-label="느린 요청 목록">
                  <table className="data-table">
                    <thead><tr><th scope="col">경로</th><th scope="col">지연</th><th scope="col">상태</th><th scope="col">요청 ID</th><th scope="col">트레이스 ID</th><th scope="col">시각</th></tr></thead>
                    <tbody>
                      {slowRequests.map((s) => (
                        <tr key={`${s.route}-${s.requestId}`}>
                          <th scope="row">{s.route}</th>
                          <td>{ms(s.latencyMs)}</td><td>{s.status ?? '-'}</td>
                          <td><code>{s.requestId}</code></td><td><code>{s.traceId}</code></td>
                          <td>{s.at ? new Date(s.at).toLocaleTimeString('ko-KR') : '-'}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </section>

            <div className="ops-two">
              <section className="card" aria-labelledby="breakers-title" data-testid="breakers">
                <h2 id="breakers-title" className="card-title">서킷 브레이커</h2>
                <h3 className="card-label">KOS 연동 (서비스별 오퍼레이션)</h3>
                <BreakerList breakers={kosBreakers} empty="KOS 브레이커 지표가 아직 없습니다." />
                <h3 className="card-label">게이트웨이 업스트림</h3>
                <BreakerList breakers={gatewayBreakers} empty="-" />
                <h3 className="card-label">최근 상태 전환</h3>
                {allTransitions.length === 0 ? <p className="muted small">관측된 전환이 없습니다.</p> : (
                  <ul className="transitions" aria-live="polite" data-testid="breaker-transitions">
                    {allTransitions.map((tr) => (
                      <li key={`${tr.key}-${tr.at}`}>
                        <time>{new Date(tr.at * 1000).toLocaleTimeString('ko-KR')}</time> {tr.key}:{' '}
                        <span className={`badge badge-${STATE_TONE[tr.from] ?? 'info'}`}>{tr.from}</span> →{' '}
                        <span className={`badge badge-${STATE_TONE[tr.to] ?? 'info'}`}>{tr.to}</span>
                      </li>
                    ))}
                  </ul>
                )}
              </section>
              <section className="card" aria-labelledby="caches-title" data-testid="caches">
                <h2 id="caches-title" className="card-title">캐시 적중률</h2>
                {(status.caches ?? []).length === 0 ? <p className="muted small">캐시 지표가 아직 없습니다.</p> : (
                  <ul className="ratio-list">
                    {(status.caches ?? []).map((c) => (
                      <li key={`${c.service}-${c.cache}`}>
                        <div className="usage-head"><span>{c.service} / {c.cache}</span><span>{pct(c.hitRatio)} <span className="muted small">({c.hits ?? 0}/{(c.hits ?? 0) + (c.misses ?? 0)})</span></span></div>
                        <div className="usage-track" role="progressbar" aria-label={`${c.service} ${c.cache} 캐시 적중률`}
                          aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round((c.hitRatio ?? 0) * 100)}>
                          <div className={`usage-bar ${(c.hitRatio ?? 0) >= 0.85 ? 'usage-low' : 'usage-medium'}`} style={{ width: `${(c.hitRatio ?? 0) * 100}%` }} />
                        </div>
                      </li>
                    ))}
                  </ul>
                )}
                <h3 className="card-label">MVNO AP 전송 (아웃박스)</h3>
                {(status.outbox ?? []).length === 0 ? <p className="muted small">아웃박스가 꺼져 있습니다.</p> : (
                  <ul className="instances" data-testid="outbox">
                    {(status.outbox ?? []).map((o) => (
                      <li key={o.service} data-service={o.service}>
                        <strong>{o.service}</strong>{' '}
                        <span className={`badge badge-${(o.deadLetters ?? 0) > 0 ? 'error' : (o.lagSeconds ?? 0) > 60 ? 'warning' : 'success'}`}>
                          지연 {Math.round(o.lagSeconds ?? 0)}초
                        </span>
                        <span className="muted small"> 대기 {o.pendingEvents ?? 0} · 데드레터 {o.deadLetters ?? 0} · 전달 {o.delivered ?? 0} · 실패 시도 {o.failedAttempts ?? 0}</span>
                      </li>
                    ))}
                  </ul>
                )}
                <h3 className="card-label">업스트림 인스턴스</h3>
                <ul className="instances">
                  {(status.upstreams ?? []).map((u) => (
                    <li key={u.name}>
                      <strong>{u.name}</strong> <span className={`badge badge-${STATE_TONE[u.breaker ?? 'closed'] ?? 'info'}`}>{u.breaker}</span>
                      <span className="muted small"> 사용 가능 {u.usableInstances ?? 0}/{u.instances?.length ?? 0}</span>
                      <ul>
                        {(u.instances ?? []).map((inst) => (
                          <li key={inst.instance} className="small">
                            {inst.healthy && !inst.ejected ? '🟢' : '🔴'} {inst.instance} · 처리 중 {inst.inFlight ?? 0} · 요청 {inst.requests ?? 0} · 실패 {inst.failures ?? 0}
                          </li>
                        ))}
                      </ul>
                    </li>
                  ))}
                </ul>
              </section>
            </div>
          </>
        )}
      </main>
    </div>
  );
}

function Kpi({ label, value, tone }: { label: string; value: string; tone?: string }) {
  return <div className={`kpi${tone ? ` kpi-${tone}` : ''}`}><span className="kpi-label">{label}</span><strong className="kpi-value">{value}</strong></div>;
}

function BreakerList({ breakers, empty }: { breakers: Breaker[]; empty: string }) {
  if (breakers.length === 0) return <p className="muted small">{empty}</p>;
  return (
    <ul className="breaker-list">
      {breakers.map((b) => (
        <li key={`${b.service}-${b.name}`} data-breaker={`${b.service}/${b.name}`} data-state={b.state}>
          <span>{b.service} · <strong>{b.name}</strong>
            {b.since && <span className="muted small"> · {new Date(b.since).toLocaleTimeString('ko-KR')}부터</span>}
            {b.transitionCounts && Object.keys(b.transitionCounts).length > 0 && (
              <span className="muted small"> · 전환 {Object.entries(b.transitionCounts).map(([k, v]) => `${k} ${v}`).join(', ')}</span>
            )}
          </span>
          <span className={`badge badge-${STATE_TONE[b.state ?? ''] ?? 'info'}`}>{STATE_TEXT[b.state ?? ''] ?? b.state}</span>
        </li>
      ))}
    </ul>
  );
}
