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
