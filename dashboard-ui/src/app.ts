import { ApiClient } from './api/api-client.js';
import { ApiError } from './api/api-error.js';
import { holdsPermission } from './api/permissions.js';
import { currentRoute, type KeysQuery, links, type Route } from './router.js';
import type { SessionStore } from './session-store.js';
import { describeError, lostAccess, SESSION_ENDED } from './ui/describe-error.js';
import { el, focusHeading, replaceChildren } from './ui/dom.js';
import { ONE_TIME_SECRET, secretOnPage } from './ui/one-time-secret.js';
import { showTitle } from './ui/page-title.js';
import type { StatusRegion } from './ui/status-region.js';
import { dropWholeKeyFromUrl } from './url-key-guard.js';
import { alertsView } from './views/alerts-view.js';
import { auditLogView } from './views/audit-log-view.js';
import { keyDetailView } from './views/key-detail-view.js';
import { URL_WHOLE_KEY_NOTE } from './views/key-search-in-url.js';
import { keysView } from './views/keys-view.js';
import { signInView } from './views/sign-in-view.js';
import type { ViewContext } from './views/view-context.js';

/** Shows the screen the URL names, or the sign-in screen when this tab has no key. */
export class App {
  /** Aborted when the screen changes, so answers for a screen that is gone are dropped. */
  private screen = new AbortController();
  /** A whole key was dropped from the URL and the keys screen has not said so yet (it may be drawn after signing in). */
  private keyDroppedFromUrl = false;

  constructor(
    private readonly topbar: HTMLElement,
    private readonly main: HTMLElement,
    private readonly status: StatusRegion,
    private readonly session: SessionStore,
  ) {}

  start(): void {
    window.addEventListener('hashchange', () => {
      this.status.clear();
      this.renderKeepingSecret();
    });
    this.render();
  }

  private render(): void {
    if (dropWholeKeyFromUrl()) this.keyDroppedFromUrl = true;
    const signal = this.newScreen();
    const key = this.session.load();
    if (!key) {
      replaceChildren(this.topbar, brand());
      this.show(signInView(signal, (accepted, permissions) => this.signIn(accepted, permissions)));
      return;
    }
    const route = currentRoute();
    this.renderTopbar(route, key);
    const ctx = this.context(key, signal);
    this.show(
      route.view === 'key'
        ? keyDetailView(ctx, route.id)
        : route.view === 'alerts'
          ? alertsView(ctx)
          : route.view === 'events'
            ? auditLogView(ctx, route.query, this.takeKeyDroppedNote())
            : this.keysView(ctx, route.query),
    );
    // A tab signed in before the dashboard learnt permissions, or where sessionStorage lost them: learn them now.
    if (this.session.permissions() === null) ctx.permissionsMayHaveChanged();
  }

  private keysView(ctx: ViewContext, query: KeysQuery): HTMLElement {
    return keysView(ctx, query, this.takeKeyDroppedNote());
  }

  /** What the screen drawn next says of a whole key dropped from the URL, once. */
  private takeKeyDroppedNote(): string | undefined {
    const note = this.keyDroppedFromUrl ? URL_WHOLE_KEY_NOTE : undefined;
    this.keyDroppedFromUrl = false;
    return note;
  }

  private signIn(key: string, permissions: string[]): void {
    this.session.save(key, permissions);
    this.renderKeepingSecret();
    this.status.say(`Signed in with ${key.slice(0, 12)}…`);
  }

  /** A key shown once stays on screen, above the sign-in form: the session ending must not take the only copy with it. */
  private signOut(message: string, tone: 'say' | 'error'): void {
    this.session.clear();
    const secret = this.renderKeepingSecret();
    if (secret) focusHeading(secret);
    this.status[tone](message);
  }

  /**
   * Draws the screen the URL names with the keys shown once, if any are, under its heading: moving to another screen
   * (a link, the Back button), the session ending, signing in again or the controls shown or hidden must not take
   * the only copy with it. Returns the first key's notice.
   */
  private renderKeepingSecret(): HTMLElement | null {
    const secrets = [...this.main.querySelectorAll<HTMLElement>(`[${ONE_TIME_SECRET}]`)];
    this.render();
    const heading = this.main.querySelector('h1');
    if (heading) (heading.closest('.view-header') ?? heading).after(...secrets);
    return secrets[0] ?? null;
  }

  private context(key: string, signal: AbortSignal): ViewContext {
    const permissions = this.session.permissions();
    const ctx: ViewContext = {
      api: new ApiClient(key, signal),
      sessionKey: key,
      canWrite: permissions === null || holdsPermission(permissions, 'keys:write'),
      status: this.status,
      fail: (error) => {
        if (signal.aborted) return '';
        if (error instanceof ApiError && error.status === 401) {
          this.signOut(SESSION_ENDED, 'error');
          return SESSION_ENDED;
        }
        const message = describeError(error, secretOnPage());
        if (lostAccess(error)) this.status.error(message, { label: 'Sign out', run: () => this.signOut(SIGNED_OUT, 'say') });
        else this.status.error(message);
        // Refused for a permission: the key may have lost it since the screen was drawn (changed elsewhere).
        if (error instanceof ApiError && error.status === 403 && !lostAccess(error)) ctx.permissionsMayHaveChanged();
        return message;
      },
      permissionsMayHaveChanged: (known) => {
        if (known) return this.keepPermissions(ctx, known);
        ctx.api.whoami().then(
          (own) => this.keepPermissions(ctx, own.permissions),
          // Unknown stays as it was: the screen already says what went wrong, if anything did.
          () => undefined,
        );
      },
      signOut: (message) => this.signOut(message, 'say'),
      switchKey: (successor) => {
        this.session.save(successor);
        ctx.api = new ApiClient(successor, signal);
        ctx.sessionKey = successor;
        this.renderTopbar(currentRoute(), successor);
      },
    };
    return ctx;
  }

  /** Keeps what the tab's key may do; when that shows or hides the controls that change keys, draws the screen again and says why. */
  private keepPermissions(ctx: ViewContext, permissions: readonly string[]): void {
    if (this.session.load() !== ctx.sessionKey) return;
    this.session.save(ctx.sessionKey, [...permissions]);
    const canWrite = holdsPermission(permissions, 'keys:write');
    if (canWrite === ctx.canWrite) return;
    this.renderKeepingSecret();
    if (canWrite) this.status.say(WRITE_GAINED);
    else this.status.error(WRITE_LOST);
  }

  private renderTopbar(route: Route, key: string): void {
    const link = (href: string, text: string, current: boolean) =>
      el('a', { class: 'nav__link', attrs: { href, 'aria-current': current ? 'page' : null }, text });
    const signOut = el('button', { class: 'button button--secondary', text: 'Sign out', attrs: { type: 'button' } });
    signOut.addEventListener('click', () => this.signOut(SIGNED_OUT, 'say'));
    replaceChildren(
      this.topbar,
      brand(),
      el(
        'nav',
        { class: 'nav', attrs: { 'aria-label': 'Dashboard' } },
        link(links.keys, 'Keys', route.view === 'keys' || route.view === 'key'),
        link(links.alerts, 'Alerts', route.view === 'alerts'),
        link(links.events(), 'Audit log', route.view === 'events'),
      ),
      el('div', { class: 'session' }, el('span', { class: 'session__key', text: `Signed in with ${key.slice(0, 12)}…` }), signOut),
    );
  }

  private show(view: HTMLElement): void {
    replaceChildren(this.main, view);
    showTitle(view.querySelector('h1')?.textContent);
    focusHeading(view);
  }

  private newScreen(): AbortSignal {
    this.screen.abort();
    this.screen = new AbortController();
    return this.screen.signal;
  }
}

const SIGNED_OUT = 'Signed out. The key is no longer kept in this tab.';
const WRITE_LOST = 'This tab’s key lacks keys:write now: creating, changing and revoking keys are hidden, as they would be refused.';
const WRITE_GAINED = 'This tab’s key holds keys:write now: you can create, change and revoke keys.';

function brand(): HTMLElement {
  return el('span', { class: 'brand', text: 'ParseSphere Keys' });
}
