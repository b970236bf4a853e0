import { useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useState } from 'react';
import { api, ApiError, ok, setApiWorkspace } from './api/client';
import { ErrorNote, Loading } from './components';
import { I18nProvider, LANGUAGES, langOfLocale, useT, type Lang } from './i18n';
import { AccountPage } from './pages/Account';
import { AssistantPage } from './pages/Assistant';
import { useAssistantT } from './pages/assistant.i18n';
import { CalendarPage } from './pages/Calendar';
import { ContactPage } from './pages/Contact';
import { ContactsPage } from './pages/Contacts';
import { useContactsT } from './pages/contacts.i18n';
import { useCalendarT } from './pages/calendar.i18n';
import { useCallsT } from './pages/calls.i18n';
import { useWebhooksT } from './pages/webhooks.i18n';
import { useContentT } from './pages/content.i18n';
import { useReportsT } from './pages/reports.i18n';
import { useSetupT } from './pages/setup.i18n';

// Loaded when first opened, so that their code (the reports' chart library above all) is not
// part of the first screen's JavaScript.
const ReportsPage = lazy(() => import('./pages/Reports'));
const ChannelsPage = lazy(() => import('./pages/Channels'));
const CallsPage = lazy(() => import('./pages/Calls'));
const WebhooksPage = lazy(() => import('./pages/Webhooks'));
const ContentPage = lazy(() => import('./pages/Content').then((m) => ({ default: m.ContentPage })));
import { InboxPage } from './pages/Inbox';
import { MentionsLink, MentionsPage } from './pages/Mentions';
import { LiveProvider } from './live';
import { InvitePage } from './pages/Invite';
import { SignUpConfirmPage } from './pages/SignUpConfirm';
import { SettingsPage } from './pages/Settings';
import { ResetPasswordPage } from './pages/ResetPassword';
import { SignInPage } from './pages/SignIn';
import { linkProps, navigate, usePath } from './router';
import { atLeast, SessionContext, type Role, type Session } from './session';

const WORKSPACE_KEY = 'frontdesk.workspace';
const LANG_KEY = 'frontdesk.lang';

const storedLang = (): Lang | null => {
  const v = localStorage.getItem(LANG_KEY);
  return v === 'en' || v === 'id' || v === 'es' ? v : null;
};

export function App() {
  const path = usePath();
  const [chosenLang, setChosenLang] = useState<Lang | null>(storedLang);
  const chooseLang = (l: Lang) => {
    localStorage.setItem(LANG_KEY, l);
    setChosenLang(l);
  };
  const me = useQuery({ queryKey: ['me'], queryFn: () => ok(api.GET('/api/v1/auth/me')) });
  const signedOut = me.error instanceof ApiError && me.error.status === 401;

  // The invitation page works signed in or out: it signs in or up on the way.
  if (path === '/invite') {
    return (
      <I18nProvider lang={chosenLang ?? 'en'}>
        <InvitePage me={signedOut ? null : (me.data ?? null)} loading={me.isPending} />
      </I18nProvider>
    );
  }
  if (path === '/reset-password') {
    return (
      <I18nProvider lang={chosenLang ?? 'en'}>
        <ResetPasswordPage />
      </I18nProvider>
    );
  }
  if (path === '/signup/confirm') {
    return (
      <I18nProvider lang={chosenLang ?? 'en'}>
        <SignUpConfirmPage />
      </I18nProvider>
    );
  }
  if (me.isPending) {
    return (
      <I18nProvider lang={chosenLang ?? 'en'}>
        <main className="center">
          <Loading />
        </main>
      </I18nProvider>
    );
  }
  if (signedOut || !me.data) {
    return (
      <I18nProvider lang={chosenLang ?? 'en'}>
        {me.error && !signedOut ? <ErrorNote error={me.error} retry={() => me.refetch()} /> : <SignInPage lang={chosenLang ?? 'en'} onLang={chooseLang} />}
      </I18nProvider>
    );
  }
  return <SignedIn me={me.data} chosenLang={chosenLang} chooseLang={chooseLang} path={path} />;
}

function SignedIn({ me, chosenLang, chooseLang, path }: { me: Session['me']; chosenLang: Lang | null; chooseLang: (l: Lang) => void; path: string }) {
  const stored = localStorage.getItem(WORKSPACE_KEY);
  const [workspaceId, setWorkspaceId] = useState<string | undefined>(
    me.workspaces.find((w) => w.id === stored)?.id ?? me.workspaces[0]?.id,
  );
  const current = me.workspaces.find((w) => w.id === workspaceId) ?? me.workspaces[0];
  // Set before any child query runs, so every call of this render goes to this workspace.
  setApiWorkspace(current?.id ?? null);
  const workspace = useQuery({
    queryKey: ['workspace', current?.id],
    queryFn: () => ok(api.GET('/api/v1/workspace')),
    enabled: current !== undefined,
  });
  const lang = chosenLang ?? langOfLocale(workspace.data?.locale);

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  useEffect(() => {
    if (path === '/' || path === '/signin') navigate('/inbox', { replace: true });
  }, [path]);

  if (!current) {
    return (
      <I18nProvider lang={lang}>
        <NoWorkspace />
      </I18nProvider>
    );
  }
  if (!workspace.data) {
    return (
      <I18nProvider lang={lang}>
        <main className="center">{workspace.error ? <ErrorNote error={workspace.error} retry={() => workspace.refetch()} /> : <Loading />}</main>
      </I18nProvider>
    );
  }
  const session: Session = {
    me,
    workspaceId: current.id,
    role: current.role as Role,
    format: { locale: workspace.data.locale, currency: workspace.data.currency, timeZone: workspace.data.time_zone },
  };
  const switchWorkspace = (id: string) => {
    localStorage.setItem(WORKSPACE_KEY, id);
    setWorkspaceId(id);
    navigate('/inbox');
  };
  return (
    <I18nProvider lang={lang}>
      <SessionContext.Provider value={session}>
        <LiveProvider workspaceId={current.id} userId={me.user.id}>
          <Shell path={path} lang={lang} chooseLang={chooseLang} switchWorkspace={switchWorkspace} />
        </LiveProvider>
      </SessionContext.Provider>
    </I18nProvider>
  );
}

function NoWorkspace() {
  const t = useT();
  return (
    <main className="center" id="main">
      <h1>{t('app.name')}</h1>
      <p>{t('auth.noWorkspace')}</p>
      <SignOutButton />
    </main>
  );
}

function SignOutButton() {
  const t = useT();
  const qc = useQueryClient();
  return (
    <button
      type="button"
      className="link"
      onClick={async () => {
        await api.POST('/api/v1/auth/signout').catch(() => undefined);
        setApiWorkspace(null);
        qc.clear();
        navigate('/signin', { replace: true });
        await qc.invalidateQueries();
        await qc.refetchQueries({ queryKey: ['me'] });
      }}
    >
      {t('auth.signout')}
    </button>
  );
}

function Shell({ path, lang, chooseLang, switchWorkspace }: { path: string; lang: Lang; chooseLang: (l: Lang) => void; switchWorkspace: (id: string) => void }) {
  const t = useT();
  const calendarT = useCalendarT();
  const assistantT = useAssistantT();
  const reportsT = useReportsT();
  const setupT = useSetupT();
  const contactsT = useContactsT();
  const callsT = useCallsT();
  const webhooksT = useWebhooksT();
  const contentT = useContentT();
  return (
    <SessionContext.Consumer>
      {(s) => {
        const session = s!;
        const canAdmin = atLeast(session.role, 'admin');
        const nav = [
          { to: '/inbox', label: t('nav.inbox') },
          { to: '/contacts', label: contactsT('nav') },
          { to: '/calendar', label: calendarT('title') },
          { to: '/calls', label: callsT('nav') },
          { to: '/knowledge', label: assistantT('title') },
          { to: '/content', label: contentT('nav') },
          ...(canAdmin ? [{ to: '/reports', label: reportsT('nav') }, { to: '/channels', label: setupT('nav') }] : []),
          ...(canAdmin ? [{ to: '/settings', label: t('nav.settings') }, { to: '/webhooks', label: webhooksT('nav') }] : []),
          { to: '/account', label: t('nav.account') },
        ];
        return (
          <div className="shell">
            <a className="skip" href="#main">
              {t('app.skip')}
            </a>
            <header className="topbar">
              <span className="brand">{t('app.name')}</span>
              <nav aria-label={t('app.nav')}>
                <ul>
                  {nav.map((n) => (
                    <li key={n.to}>
                      <a {...linkProps(n.to)} aria-current={path.startsWith(n.to) ? 'page' : undefined}>
                        {n.label}
                      </a>
                    </li>
                  ))}
                  <li>
                    <MentionsLink current={path === '/mentions'} />
                  </li>
                </ul>
              </nav>
              <div className="tools">
                {session.me.workspaces.length > 1 ? (
                  <select aria-label={t('app.workspace')} value={session.workspaceId} onChange={(e) => switchWorkspace(e.target.value)}>
                      {session.me.workspaces.map((w) => (
                        <option key={w.id} value={w.id}>
                          {w.name}
                        </option>
                      ))}
                  </select>
                ) : (
                  <span className="workspace-name">{session.me.workspaces[0]?.name}</span>
                )}
                <select aria-label={t('app.language')} value={lang} onChange={(e) => chooseLang(e.target.value as Lang)}>
                    {Object.entries(LANGUAGES).map(([code, name]) => (
                      <option key={code} value={code} lang={code}>
                        {name}
                      </option>
                    ))}
                </select>
                <SignOutButton />
              </div>
            </header>
            <Screen path={path} />
          </div>
        );
      }}
    </SessionContext.Consumer>
  );
}

function Screen({ path }: { path: string }) {
  const t = useT();
  if (path === '/inbox' || path.startsWith('/inbox/')) {
    const id = path.slice('/inbox/'.length) || null;
    return <InboxPage conversationId={path === '/inbox' ? null : id} />;
  }
  if (path === '/mentions') return <MentionsPage />;
  if (path === '/settings') return <SettingsPage />;
  if (path === '/calendar') return <CalendarPage />;
  if (path === '/knowledge' || path.startsWith('/knowledge/')) return <AssistantPage path={path} />;
  if (path === '/reports' || path === '/channels') {
    return (
      <Suspense fallback={<main id="main" className="page"><Loading /></main>}>
        {path === '/reports' ? <ReportsPage /> : <ChannelsPage />}
      </Suspense>
    );
  }
  if (path === '/calls' || path.startsWith('/calls/')) {
    return (
      <Suspense fallback={<main id="main" className="page"><Loading /></main>}>
        <CallsPage callId={path.startsWith('/calls/') ? path.slice('/calls/'.length) || null : null} />
      </Suspense>
    );
  }
  if (path === '/webhooks') {
    return (
      <Suspense fallback={<main id="main" className="page"><Loading /></main>}>
        <WebhooksPage />
      </Suspense>
    );
  }
  if (path === '/content') {
    return (
      <Suspense fallback={<Loading />}>
        <ContentPage />
      </Suspense>
    );
  }
  if (path === '/contacts') return <ContactsPage />;
  if (path.startsWith('/contacts/')) return <ContactPage key={path} contactId={path.slice('/contacts/'.length)} />;
  if (path === '/account') return <AccountPage />;
  if (path === '/' || path === '/signin') return null;
  return (
    <main id="main" className="page">
      <h1>{t('notfound.title')}</h1>
      <a {...linkProps('/inbox')}>{t('notfound.back')}</a>
    </main>
  );
}
