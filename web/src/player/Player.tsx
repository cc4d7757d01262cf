// The session player at /web/recordings/:sid: loads the recording's timeline and replays it,
// starting at `t` seconds.
import { lazy, Suspense, useEffect, useState } from "react";
import type { JSX } from "react";
import { errorMessage } from "../api.js";
import { fetchTimeline } from "./source.js";
import type { Timeline } from "./timeline.js";

const Replay = lazy(() => import("./Replay.js").then((module) => ({ default: module.Replay })));

export function Player(props: { site: string; sid: string; t?: number }): JSX.Element {
  const { site, sid, t } = props;
  const [timeline, setTimeline] = useState<Timeline>();
  const [failure, setFailure] = useState<string>();

  useEffect(() => {
    let current = true;
    setTimeline(undefined);
    setFailure(undefined);
    fetchTimeline(site, sid).then(
      (loaded) => current && setTimeline(loaded),
      (error: unknown) => current && setFailure(errorMessage(error)),
    );
    return () => {
      current = false;
    };
  }, [site, sid]);

  if (failure !== undefined) {
    return (
      <p role="alert" className="player-failure">
        The recording cannot be played: {failure}
      </p>
    );
  }
  if (timeline === undefined) return <p aria-live="polite">Loading the recording…</p>;
  return (
    <Suspense fallback={<p aria-live="polite">Loading the player…</p>}>
      <Replay key={sid} timeline={timeline} startMs={Math.round((t ?? 0) * 1000)} />
    </Suspense>
  );
}
