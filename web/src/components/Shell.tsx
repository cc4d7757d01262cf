// The frame around every signed-in page: a skip link, the cluster, the navigation the user's
// roles allow, who is signed in and the logout button.
import { useEffect, useRef, useState, type ReactNode } from "react";
import { errorMessage } from "../api";
import { BASE, Link, type Route } from "../router";
import { useSession } from "../session";
import { ErrorAlert } from "./ErrorAlert";

interface NavItem {
  to: string;
  label: string;
  current: boolean;
}

export function Shell(props: { route: Route; onLogout: () => Promise<void>; children: ReactNode }) {
  const { ping, session } = useSession();
  const { acl } = session;
  const main = useRef<HTMLElement>(null);
  const firstRoute = useRef(true);
  const [logoutError, setLogoutError] = useState<string>();
  const name = props.route.name;

  // After a navigation, focus goes to the new page (as a page load would put it at the top).
  useEffect(() => {
    if (firstRoute.current) {
      firstRoute.current = false;
      return;
    }
    window.scrollTo(0, 0);
    main.current?.focus({ preventScroll: true });
  }, [name]);

  const items: NavItem[] = [];
  if (acl.events)
    items.push({ to: `${BASE}/audit`, label: "Audit log", current: name === "audit" });
  if (acl.recordings !== "none") {
    items.push({
      to: `${BASE}/recordings`,
      label: acl.recordings === "own" ? "My sessions" : "Recordings",
      current: name === "recordings" || name === "recording",
    });
  }
  if (acl.nodes) items.push({ to: `${BASE}/nodes`, label: "Nodes", current: name === "nodes" });

  const logout = () => {
    setLogoutError(undefined);
    props.onLogout().catch((error: unknown) => setLogoutError(errorMessage(error)));
  };

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">
          Teleport <span className="cluster">{ping.cluster_name}</span>
        </span>
        <nav aria-label="Main">
          <ul>
            {items.map((item) => (
              <li key={item.to}>
                <Link to={item.to} aria-current={item.current ? "page" : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="account">
          <span>
            Signed in as <strong>{session.user.name}</strong>
          </span>
          <button type="button" onClick={logout}>
            Log out
          </button>
        </div>
      </header>
      <ErrorAlert failure={logoutError} what="Could not log out" />
      <main id="main" ref={main} tabIndex={-1}>
        {props.children}
      </main>
    </>
  );
}
