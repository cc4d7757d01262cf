// What the app knows about the cluster (GET /webapi/ping) and the logged-in user
// (GET /webapi/sessions/web): their shapes, and the React context that hands them to pages.
import { createContext, useContext } from "react";
import { z } from "zod";

export const pingSchema = z.object({
  auth: z.object({ second_factor: z.enum(["off", "otp", "optional"]) }),
  cluster_name: z.string(),
});
export type Ping = z.infer<typeof pingSchema>;

export const aclSchema = z.object({
  events: z.boolean(),
  recordings: z.enum(["all", "own", "none"]),
  nodes: z.boolean(),
});
export type Acl = z.infer<typeof aclSchema>;

export const sessionSchema = z.object({
  user: z.object({ name: z.string(), roles: z.array(z.string()), logins: z.array(z.string()) }),
  expires: z.string(),
  csrf_token: z.string(),
  acl: aclSchema,
});
export type Session = z.infer<typeof sessionSchema>;

export interface AppContext {
  ping: Ping;
  session: Session;
}

export const SessionContext = createContext<AppContext | undefined>(undefined);

/** The cluster and the logged-in user; only pages behind the login use it. */
export function useSession(): AppContext {
  const context = useContext(SessionContext);
  if (context === undefined) throw new Error("useSession is only for pages behind the login");
  return context;
}

/** The API path of this cluster's resources (:site is the cluster's name). */
export function sitePath(ping: Ping, rest: string): string {
  return `/webapi/sites/${encodeURIComponent(ping.cluster_name)}/${rest}`;
}
