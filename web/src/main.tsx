import { StrictMode, startTransition } from 'react';
import { createRoot } from 'react-dom/client';
import { restoreSession } from './api/client';
import { App } from './App';
import './styles.css';

// Before the first render: a stored session marks itself as being restored at once, so
// protected routes wait for it instead of bouncing to the login screen.
void restoreSession();

// The first render as a transition: React renders it in slices of a few milliseconds and
// lets the browser paint and take input between them, instead of one long task that a
// slow phone spends hundreds of milliseconds in (Lighthouse's total blocking time).
const root = createRoot(document.getElementById('root')!);
startTransition(() => {
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
});
