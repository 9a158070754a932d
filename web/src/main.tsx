import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { restoreSession } from './api/client';
import { App } from './App';
import './styles.css';

// Before the first render: a stored session marks itself as being restored at once, so
// protected routes wait for it instead of bouncing to the login screen.
void restoreSession();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
