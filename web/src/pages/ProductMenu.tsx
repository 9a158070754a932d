import { useCallback, useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../api/endpoints';
import type { ProductMenu } from '../api/types';
import { Alert } from '../components/Alert';
import { ErrorPanel } from '../components/ErrorPanel';
import { Header } from '../components/Header';
import { ProductBenefits } from '../components/ProductBenefits';
import { CardSkeleton } from '../components/Skeleton';
import { clearFlow, writeFlow } from '../flow';
import { formatLine, formatMonthly } from '../format';

const LINE_STATUS: Record<string, string> = { ACTIVE: '정상', SUSPENDED: '이용 정지', TERMINATED: '해지' };

/** SCR-005 상품 변경 메뉴 */
export function ProductMenuPage() {
  const navigate = useNavigate();
  const [menu, setMenu] = useState<ProductMenu | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(() => {
    setError(null);
    setMenu(null);
    api.productMenu().then((data) => {
      setMenu(data);
      clearFlow();
      writeFlow({ current: data.currentProduct });
    }).catch(setError);
  }, []);
  useEffect(() => { load(); }, [load]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !document.querySelector('[role="dialog"]')) navigate('/main');
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [navigate]);

  // A suspended line (이용 정지) may come back; a terminated one (해지) will not: both block a change.
  const lineStatus = menu?.customer.lineStatus;
  const blocked = lineStatus === 'SUSPENDED' || lineStatus === 'TERMINATED';

  return (
    <div className="app-shell">
      <Header title="상품 변경" back="/main" crumbs={[{ label: '홈', to: '/main' }, { label: '상품 변경' }]} />
      <main className="page page-narrow" id="main">
        {error ? <ErrorPanel error={error} onRetry={load} /> : !menu ? (
          <div aria-busy="true"><p className="sr-only" role="status">상품 정보를 불러오는 중…</p><CardSkeleton lines={2} /><CardSkeleton lines={4} /></div>
        ) : (
          <>
            <section className="card" aria-labelledby="customer-title">
              <h2 id="customer-title" className="card-title">고객 정보</h2>
              <dl className="rows">
                <div className="row"><dt>회선번호</dt><dd data-testid="product-line">{formatLine(menu.customer.lineNumber)}</dd></div>
                <div className="row"><dt>고객ID</dt><dd>{menu.customer.customerId}</dd></div>
                {menu.customer.customerName && <div className="row"><dt>고객명</dt><dd>{menu.customer.customerName}</dd></div>}
                {menu.customer.lineStatus && (
                  <div className="row"><dt>회선 상태</dt><dd data-testid="line-status">{LINE_STATUS[menu.customer.lineStatus] ?? menu.customer.lineStatus}</dd></div>
                )}
              </dl>
            </section>
            {lineStatus === 'SUSPENDED' && (
              <Alert kind="warning" title="이용이 정지된 회선입니다" id="change-blocked" testId="change-blocked">
                이용 정지 중에는 상품을 변경할 수 없습니다. 정지를 풀려면 고객센터(1588-0000)로 문의해주세요.
              </Alert>
            )}
            {lineStatus === 'TERMINATED' && (
              <Alert kind="error" title="해지된 회선입니다" id="change-blocked" testId="change-blocked">
                해지된 회선은 상품을 변경할 수 없습니다. 새로 가입하려면 고객센터(1588-0000)로 문의해주세요.
              </Alert>
            )}
            <section className="card product-current" aria-labelledby="current-title">
              <h2 id="current-title" className="card-label">현재 이용 중인 상품</h2>
              <p className="product-title"><span aria-hidden="true">📱 </span><span data-testid="menu-current-product">{menu.currentProduct.productName}</span></p>
              <p className="product-price">{formatMonthly(menu.currentProduct.monthlyFee)}</p>
              <ProductBenefits product={menu.currentProduct} />
              {menu.currentProduct.description && <p className="muted">{menu.currentProduct.description}</p>}
            </section>
            <section className="caution" aria-labelledby="caution-title">
              <h2 id="caution-title"><span aria-hidden="true">⚠️ </span>상품 변경 시 주의사항</h2>
              <ul>
                <li>변경한 상품은 다음 달 1일부터 적용됩니다.</li>
                <li>약정 기간 중에는 위약금이 발생할 수 있습니다.</li>
                <li>변경 후 바로 이전 상품으로 되돌릴 수 없습니다.</li>
                <li>부가서비스는 다시 가입해야 할 수 있습니다.</li>
              </ul>
            </section>
            <div className="button-row">
              <button type="button" className="btn btn-secondary" onClick={() => navigate('/main')}>취소</button>
              <button type="button" className="btn btn-primary" data-testid="start-change" disabled={blocked}
                aria-describedby={blocked ? 'change-blocked' : undefined}
                onClick={() => navigate('/product/change')}>상품 변경하기</button>
            </div>
          </>
        )}
      </main>
    </div>
  );
}
