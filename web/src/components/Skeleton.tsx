export function Skeleton({ height = 20, width = '100%', radius = 8 }: {
  height?: number; width?: number | string; radius?: number;
}) {
  return <span className="skeleton" aria-hidden="true" style={{ height, width, borderRadius: radius }} />;
}

export function CardSkeleton({ lines = 3 }: { lines?: number }) {
  return (
    <div className="card skeleton-card" aria-hidden="true">
      <Skeleton height={22} width="45%" />
      {Array.from({ length: lines }, (_, i) => <Skeleton key={i} height={16} width={`${90 - i * 12}%`} />)}
    </div>
  );
}

export function PageSkeleton() {
  return (
    <main className="page page-wide" aria-busy="true">
      <p className="sr-only" role="status">불러오는 중…</p>
      <CardSkeleton />
      <CardSkeleton lines={2} />
    </main>
  );
}
