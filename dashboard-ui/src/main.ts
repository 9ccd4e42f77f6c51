import { App } from './app.js';
import { SessionStore } from './session-store.js';
import { describeError } from './ui/describe-error.js';
import { secretOnPage } from './ui/one-time-secret.js';
import { StatusRegion } from './ui/status-region.js';

const required = (id: string): HTMLElement => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`index.html lacks #${id}`);
  return element;
};

const status = new StatusRegion(required('status'));
// A bug must still leave words on the page, never a blank screen.
window.addEventListener('error', (event) => status.error(describeError(event.error ?? event.message, secretOnPage())));
window.addEventListener('unhandledrejection', (event) => status.error(describeError(event.reason, secretOnPage())));

// A reload, or closing the tab, would remove a key shown once for good: the browser asks first while one is shown.
window.addEventListener('beforeunload', (event) => {
  if (secretOnPage()) event.preventDefault();
});

new App(required('topbar'), required('main'), status, new SessionStore()).start();
