// One session's recording: the player, starting at ?t=SECONDS when the link gives one.
import { useEffect } from "react";
import { Player } from "../player/Player";
import { BASE, Link, useLocation } from "../router";
import { useSession } from "../session";

/** ?t=SECONDS as a number of seconds; undefined when absent or not a time. */
function startTime(search: URLSearchParams): number | undefined {
  const t = search.get("t");
  if (t === null || t.trim() === "") return undefined;
  const seconds = Number(t);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

export function RecordingPage({ sid }: { sid: string }) {
  const { ping, session } = useSession();
  const { search } = useLocation();
  const t = startTime(search);

  useEffect(() => {
    document.title = `Session ${sid} · Teleport`;
  }, [sid]);

  return (
    <section className="page">
      <p className="breadcrumb">
        <Link to={`${BASE}/recordings`}>
          ← {session.acl.recordings === "own" ? "My sessions" : "Recordings"}
        </Link>
      </p>
      <h1>Session {sid}</h1>
      <Player site={ping.cluster_name} sid={sid} {...(t === undefined ? {} : { t })} />
    </section>
  );
}
