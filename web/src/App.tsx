// The app: learns the cluster and whether a session exists, then shows the public pages (login,
// invite) or the signed-in shell with the page of the current route.
import { useCallback, useEffect, useState } from "react";
import { ApiError, apiGet, apiSend, errorMessage, setCsrfToken } from "./api";
import { Shell } from "./components/Shell";
import { AuditPage } from "./pages/AuditPage";
import { InvitePage } from "./pages/InvitePage";
import { LoginPage } from "./pages/LoginPage";
import { Message } from "./components/Message";
import { NodesPage } from "./pages/NodesPage";
import { RecordingPage } from "./pages/RecordingPage";
import { RecordingsPage } from "./pages/RecordingsPage";
import { loginPath, matchRoute, navigate, useLocation, type Route, BASE } from "./router";
import {
  pingSchema,
  sessionSchema,
  SessionContext,
  type Acl,
  type Ping,
  type Session,
} from "./session";

/** The first page the user's roles let them see. */
function homeOf(acl: Acl): string {
  if (acl.events) return `${BASE}/audit`;
  if (acl.recordings !== "none") return `${BASE}/recordings`;
  return `${BASE}/nodes`;
}

function SignedInPage({ route, acl }: { route: Route; acl: Acl }) {
  const home = homeOf(acl);
  useEffect(() => {
    if (route.name === "home") navigate(home, { replace: true });
  }, [route.name, home]);
  switch (route.name) {
    case "audit":
      return acl.events ? <AuditPage /> : <Forbidden what="the audit log" />;
    case "recordings":
      return acl.recordings === "none" ? (
        <Forbidden what="session recordings" />
      ) : (
        <RecordingsPage />
      );
    case "recording":
      return acl.recordings === "none" ? (
        <Forbidden what="session recordings" />
      ) : (
        <RecordingPage sid={route.sid} />
      );
    case "nodes":
      return acl.nodes ? <NodesPage /> : <Forbidden what="the cluster's nodes" />;
    case "home":
      return null;
    default:
      return (
        <Message title="Page not found">
          There is no such page. Use the navigation above to find what you are looking for.
        </Message>
      );
  }
}

function Forbidden({ what }: { what: string }) {
  return (
    <Message title="Not allowed">
      Your roles do not let you see {what}. Ask a cluster administrator for a role that does.
    </Message>
  );
}

export function App() {
  const { pathname, href } = useLocation();
  const route = matchRoute(pathname);
  const [ping, setPing] = useState<Ping>();
  // undefined: not known yet; null: not logged in.
  const [session, setSession] = useState<Session | null>();
  const [failure, setFailure] = useState<string>();
  const isPublic = route.name === "login" || route.name === "invite";

  useEffect(() => {
    apiGet("/webapi/ping", { schema: pingSchema, redirectOn401: false }).then(setPing, (error) =>
      setFailure(errorMessage(error)),
    );
  }, []);

  useEffect(() => {
    if (isPublic || session !== undefined) return;
    apiGet("/webapi/sessions/web", { schema: sessionSchema, redirectOn401: false }).then(
      (found) => {
        setCsrfToken(found.csrf_token);
        setSession(found);
      },
      (error) => {
        if (error instanceof ApiError && error.status === 401) setSession(null);
        else setFailure(errorMessage(error));
      },
    );
  }, [isPublic, session]);

  useEffect(() => {
    if (!isPublic && session === null) navigate(loginPath(href), { replace: true });
  }, [isPublic, session, href]);

  const onLogin = useCallback((next: Session, to: string) => {
    setCsrfToken(next.csrf_token);
    setSession(next);
    navigate(to);
  }, []);

  const onLogout = useCallback(async () => {
    try {
      await apiSend("DELETE", "/webapi/sessions/web", undefined, { redirectOn401: false });
    } catch (error) {
      // Already ended on the proxy (401): the user is logged out either way.
      if (!(error instanceof ApiError && error.status === 401)) throw error;
    }
    setCsrfToken(undefined);
    setSession(null);
    navigate(loginPath());
  }, []);

  if (failure !== undefined) {
    return (
      <Message title="The web UI cannot start">
        {failure}{" "}
        <button type="button" onClick={() => window.location.reload()}>
          Try again
        </button>
      </Message>
    );
  }
  if (route.name === "invite") return <InvitePage token={route.token} kind={route.kind} />;
  if (ping === undefined) return <Message title="Loading…" />;
  if (route.name === "login") return <LoginPage ping={ping} onLogin={onLogin} />;
  if (session === undefined || session === null) return <Message title="Loading…" />;
  return (
    <SessionContext.Provider value={{ ping, session }}>
      <Shell route={route} onLogout={onLogout}>
        <SignedInPage route={route} acl={session.acl} />
      </Shell>
    </SessionContext.Provider>
  );
}
