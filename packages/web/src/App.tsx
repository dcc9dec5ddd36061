import type { ReactNode } from 'react';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { BoxesPage } from './admin/BoxesPage';
import { DevicesPage } from './admin/DevicesPage';
import { JournalsPage } from './admin/JournalsPage';
import { PaymentDetailPage } from './admin/PaymentDetailPage';
import { PaymentMethodsPage } from './admin/PaymentMethodsPage';
import { PaymentsPage } from './admin/PaymentsPage';
import { PosConfigsPage } from './admin/PosConfigsPage';
import { ProductsPage } from './admin/ProductsPage';
import { SettingsPage } from './admin/SettingsPage';
import { UsersPage } from './admin/UsersPage';
import { PinPage } from './account/PinPage';
import { useFollowed } from './api/follow';
import { LiveEventsProvider } from './api/live';
import { AuthGate, useAuth } from './auth';
import { OrdersPage } from './orders/OrdersPage';
import { CashierScreen } from './pos/CashierScreen';
import { SessionsPage } from './sessions/SessionsPage';
import { ConnectionBadge } from './ui/ConnectionBadge';
import { FollowSelect } from './ui/FollowSelect';
import { LanguageSelect } from './ui/LanguageSelect';
import { NotFoundPage } from './ui/NotFoundPage';
import { navigate, usePath } from './ui/router';

const ADMIN_PAGES = [
  ['settings', 'nav.settings'],
  ['boxes', 'nav.boxes'],
  ['devices', 'nav.devices'],
  ['journals', 'nav.journals'],
  ['methods', 'nav.methods'],
  ['pos', 'nav.pos'],
  ['products', 'nav.products'],
  ['users', 'nav.users'],
  ['payments', 'nav.payments'],
] as const;

export function App() {
  return (
    <AuthGate>
      <FollowedLiveEvents>
        <Shell />
      </FollowedLiveEvents>
    </AuthGate>
  );
}

/** The live stream follows what the signed-in manager or admin chose; a cashier's follows their till. */
function FollowedLiveEvents({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  return <LiveEventsProvider followed={useFollowed(user)}>{children}</LiveEventsProvider>;
}

function Shell() {
  const { t } = useTranslation();
  const { user, logout } = useAuth();
  const path = usePath();
  const isAdmin = user.role === 'admin';
  // Managers and admins approve overrides at a till, with a PIN of their own.
  const approves = user.role === 'admin' || user.role === 'manager';

  useEffect(() => {
    if (path === '/' || (!isAdmin && path.startsWith('/admin'))) navigate(isAdmin ? '/admin/settings' : '/pos', { replace: true });
  }, [path, isAdmin]);

  useEffect(() => {
    document.getElementById('page-title')?.focus({ preventScroll: true });
  }, [path]);

  return (
    <div className="shell">
      <a
        className="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        {t('app.skip')}
      </a>
      <header className="top">
        <span className="brand">{t('app.brand')}</span>
        <nav aria-label={t('app.mainNav')}>
          <ul>
            {isAdmin
              ? ADMIN_PAGES.map(([page, label]) => (
                  <li key={page}>
                    <a href={`#/admin/${page}`} aria-current={path.startsWith(`/admin/${page}`) ? 'page' : undefined}>
                      {t(label)}
                    </a>
                  </li>
                ))
              : null}
            <li>
              <a href="#/pos" aria-current={path.startsWith('/pos') ? 'page' : undefined}>
                {t('nav.cashier')}
              </a>
            </li>
            {approves ? (
              <li>
                <a href="#/orders" aria-current={path.startsWith('/orders') ? 'page' : undefined}>
                  {t('nav.orders')}
                </a>
              </li>
            ) : null}
            {approves ? (
              <li>
                <a href="#/sessions" aria-current={path.startsWith('/sessions') ? 'page' : undefined}>
                  {t('nav.sessions')}
                </a>
              </li>
            ) : null}
            {approves ? (
              <li>
                <a href="#/account/pin" aria-current={path.startsWith('/account/pin') ? 'page' : undefined}>
                  {t('nav.myPin')}
                </a>
              </li>
            ) : null}
          </ul>
        </nav>
        <div className="top-end">
          <FollowSelect user={user} />
          <ConnectionBadge />
          <LanguageSelect userId={user.id} />
          <span className="who">{t('app.signedIn', { name: user.username, role: t(`roles.${user.role}`) })}</span>
          <button type="button" onClick={() => void logout()}>
            {t('app.logout')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Route path={path} isAdmin={isAdmin} approves={approves} />
      </main>
    </div>
  );
}

function Route({ path, isAdmin, approves }: { path: string; isAdmin: boolean; approves: boolean }) {
  const [pathname = '', search = ''] = path.split('?');
  const parts = pathname.split('/').filter((p) => p !== '');
  if (parts[0] === 'pos') return <CashierScreen rest={parts.slice(1)} search={search} />;
  if (parts[0] === 'account' && parts[1] === 'pin' && approves) return <PinPage />;
  // Managers and admins find the orders of every POS; a cashier those of its own, on the till.
  if (parts[0] === 'orders' && approves) return <OrdersPage basePath="/orders" search={search} posConfigId={null} />;
  if (parts[0] === 'sessions' && approves) return <SessionsPage />;
  const notFound = <NotFoundPage path={pathname} home={isAdmin ? '/admin/settings' : '/pos'} />;
  // The start page, and a non-admin's /admin, are redirected by the shell.
  if (parts.length === 0 || (!isAdmin && parts[0] === 'admin')) return null;
  if (parts[0] !== 'admin') return notFound;
  switch (parts[1]) {
    case 'settings':
      return <SettingsPage />;
    case 'boxes':
      return <BoxesPage />;
    case 'devices':
      return <DevicesPage />;
    case 'journals':
      return <JournalsPage />;
    case 'methods':
      return <PaymentMethodsPage />;
    case 'pos':
      return <PosConfigsPage />;
    case 'products':
      return <ProductsPage />;
    case 'users':
      return <UsersPage />;
    case 'payments':
      return parts[2] === undefined ? <PaymentsPage /> : <PaymentDetailPage uuid={decodeURIComponent(parts[2])} />;
    default:
      return notFound;
  }
}
