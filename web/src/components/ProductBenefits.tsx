import type { Product } from '../api/types';
import { formatAllowance } from '../format';

export function ProductBenefits({ product, className = 'benefits' }: { product: Product; className?: string }) {
  const items = [
    product.dataAllowance !== undefined && `데이터 ${formatAllowance(product.dataAllowance, 'GB')}`,
    product.voiceAllowance !== undefined && `음성 ${formatAllowance(product.voiceAllowance, '분')}`,
    product.smsAllowance !== undefined && `문자 ${formatAllowance(product.smsAllowance, '건')}`,
    product.networkType && `${product.networkType} 네트워크`,
  ].filter(Boolean) as string[];
  return (
    <ul className={className}>
      {items.map((item) => <li key={item}><span aria-hidden="true">✓ </span>{item}</li>)}
    </ul>
  );
}
