import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../shared/i18n/index.ts';
import { App } from './app.tsx';
import './app.css';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

// the installable app: the service worker keeps the shell on the device (public/sw.js)
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
      // no service worker (private mode, blocked): the app works online as before
    });
  });
}
