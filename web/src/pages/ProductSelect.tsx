import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../api/endpoints';
import type { AvailableProduct, Product } from '../api/types';
import { Alert } from '../components/Alert';
import { ErrorPanel } from '../components/ErrorPanel';
import { Header } from '../components/Header';
import { ProductBenefits } from '../components/ProductBenefits';
import { Skeleton } from '../components/Skeleton';
import { readFlow, writeFlow } from '../flow';
import { formatMonthly, formatWon } from '../format';

/** SCR-006 상품 선택: cards in a radio group (Tab into it, ↑/↓ move, Enter/Space select). */
export function ProductSelectPage() {
  const navigate = useNavigate();
  const [current, setCurrent] = useState<Product | null>(readFlow().current ?? null);
  const [products, setProducts] = useState<AvailableProduct[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [selected, setSelected] = useState<string | null>(readFlow().selected?.productCode ?? null);
  const [focusIndex, setFocusIndex] = useState(0);
  const [message, setMessage] = useState<string | null>(null);
  const cards = useRef<(HTMLDivElement | null)[]>([]);

  const load = useCallback(() => {
    setError(null);
    setProducts(null);
    const currentPromise = current ? Promise.resolve(current) : api.productMenu().then((m) => m.currentProduct);
    Promise.all([currentPromise, api.availableProducts()]).then(([cur, available]) => {
      setCurrent(cur);
      writeFlow({ current: cur });
      const list = available.products.filter((p) => p.productCode !== available.currentProductCode);
      setProducts(list);
      const index = list.findIndex((p) => p.productCode === readFlow().selected?.productCode);
      setFocusIndex(index >= 0 ? index : 0);
    }).catch(setError);
  }, []);
  useEffect(() => { load(); }, [load]);
  useEffect(() => {
    if (!message) return undefined;
    const timer = setTimeout(() => setMessage(null), 5000);
    return () => clearTimeout(timer);
  }, [message]);
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => { if (event.key === 'Escape') navigate('/product/menu'); };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [navigate]);

  const chosen = products?.find((p) => p.productCode === selected) ?? null;

  function delta(product: AvailableProduct): number {
    if (typeof product.priceDelta === 'number') return product.priceDelta;
    return current ? product.monthlyFee - current.monthlyFee : 0;
  }

  function choose(index: number) {
    if (!products) return;
    setSelected(products[index].productCode);
    setFocusIndex(index);
    setMessage(null);
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>, index: number) {
    if (!products) return;
    let next = index;
    switch (event.key) {
      case 'ArrowDown': case 'ArrowRight': next = (index + 1) % products.length; break;
      case 'ArrowUp': case 'ArrowLeft': next = (index - 1 + products.length) % products.length; break;
      case 'Home': next = 0; break;
      case 'End': next = products.length - 1; break;
      case 'Enter': case ' ': event.preventDefault(); choose(index); return;
      default: return;
    }
    event.preventDefault();
    setFocusIndex(next);
    cards.current[next]?.focus();
  }

  function proceed() {
    if (!chosen) {
      setMessage('변경할 상품을 선택해주세요.');
      return;
    }
    writeFlow({ selected: { ...chosen, priceDelta: delta(chosen) }, idempotencyKey: undefined, result: undefined, failure: undefined });
    try {
      sessionStorage.setItem('selectedProduct', chosen.productCode);
      sessionStorage.setItem('selectedProductName', chosen.productName);
      sessionStorage.setItem('selectedProductPrice', String(chosen.monthlyFee));
    } catch { /* storage disabled */ }
    navigate('/product/request');
  }

  return (
    <div className="app-shell has-action-bar">
      <Header title="상품 선택" back="/product/menu"
        crumbs={[{ label: '홈', to: '/main' }, { label: '상품 변경', to: '/product/menu' }, { label: '상품 선택' }]} />
      <main className="page page-narrow" id="main">
        {current && (
          <section className="current-summary" aria-label="현재 이용 중인 상품">
            <span className="card-label">현재 이용 중인 상품</span>
            <strong>{current.productName}</strong>
            <span>{formatMonthly(current.monthlyFee)}</span>
          </section>
        )}
        {message && <Alert kind="error" testId="select-message">{message}</Alert>}
        <h2 id="available-title" className="section-title">변경 가능한 상품</h2>
        {error ? <ErrorPanel error={error} onRetry={load} /> : !products ? (
          <div aria-busy="true"><p className="sr-only" role="status">상품 목록을 불러오는 중…</p>
            {[0, 1, 2].map((i) => <div key={i} className="product-card" aria-hidden="true"><Skeleton height={22} width="50%" /><Skeleton height={16} width="80%" /><Skeleton height={16} width="40%" /></div>)}
          </div>
        ) : products.length === 0 ? (
          <Alert kind="info">지금 변경할 수 있는 상품이 없습니다.</Alert>
        ) : (
          <div role="radiogroup" aria-labelledby="available-title" className="product-list" data-testid="product-list">
            {products.map((product, index) => {
              const d = delta(product);
              const isSelected = product.productCode === selected;
              return (
                <div key={product.productCode} ref={(el) => { cards.current[index] = el; }}
                  role="radio" aria-checked={isSelected} tabIndex={index === focusIndex ? 0 : -1}
                  aria-describedby={`delta-${product.productCode}`}
                  data-testid={`product-${product.productCode}`}
                  className={`product-card selectable${isSelected ? ' selected' : ''}`}
                  onClick={() => choose(index)} onKeyDown={(e) => onKeyDown(e, index)}
                  onFocus={() => setFocusIndex(index)}>
                  <span className="radio-dot" aria-hidden="true" />
                  <div className="product-card-body">
                    <div className="product-card-head">
                      <span className="product-title">{product.productName}</span>
                      <span className="product-price">{formatMonthly(product.monthlyFee)}</span>
                    </div>
                    <ProductBenefits product={product} className="benefits benefits-grid" />
                    <p id={`delta-${product.productCode}`}
                      className={`delta ${d < 0 ? 'delta-save' : d > 0 ? 'delta-more' : 'delta-same'}`}>
                      현재 상품 대비 {d < 0 ? `월 ${formatWon(-d)} 절약` : d > 0 ? `월 ${formatWon(d)} 추가` : '요금 동일'}
                    </p>
                  </div>
                </div>
              );
            })}
          </div>
        )}
      </main>
      <div className="action-bar">
        <div className="action-bar-inner">
          <button type="button" className="btn btn-secondary" onClick={() => navigate('/product/menu')}>취소</button>
          <button type="button" className="btn btn-primary" onClick={proceed} aria-disabled={!chosen}
            data-testid="select-next">
            {chosen ? `${chosen.productName}으로 변경` : '선택한 상품으로 변경'}
          </button>
        </div>
      </div>
    </div>
  );
}
