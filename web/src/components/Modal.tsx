import { useEffect, useRef, type ReactNode } from 'react';

/** A modal dialog: focus moves in and is trapped, Esc or the overlay closes it, focus returns. */
export function Modal({ title, icon, children, onClose, actions, testId }: {
  title: string; icon?: string; children: ReactNode; onClose: () => void; actions?: ReactNode; testId?: string;
}) {
  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const first = dialog.current?.querySelector<HTMLElement>('button, [href], input, select, [tabindex]:not([tabindex="-1"])');
    first?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        onClose();
      } else if (event.key === 'Tab' && dialog.current) {
        const items = Array.from(dialog.current.querySelectorAll<HTMLElement>(
          'button:not([disabled]), [href], input, select, [tabindex]:not([tabindex="-1"])'));
        if (items.length === 0) return;
        const [head, tail] = [items[0], items[items.length - 1]];
        if (event.shiftKey && document.activeElement === head) { event.preventDefault(); tail.focus(); }
        else if (!event.shiftKey && document.activeElement === tail) { event.preventDefault(); head.focus(); }
      }
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      previous?.focus?.();
    };
  }, [onClose]);
  return (
    <div className="modal-overlay" onMouseDown={(e) => { if (e.target === e.currentTarget) onClose(); }}>
      <div ref={dialog} className="modal" role="dialog" aria-modal="true" aria-labelledby="modal-title"
        aria-describedby="modal-body" data-testid={testId}>
        {icon && <div className="modal-icon" aria-hidden="true">{icon}</div>}
        <h2 id="modal-title" className="modal-title">{title}</h2>
        <div id="modal-body" className="modal-body">{children}</div>
        <div className="button-row">
          {actions ?? <button type="button" className="btn btn-primary btn-block" onClick={onClose}>확인</button>}
        </div>
      </div>
    </div>
  );
}
