// The auth API as the logged-in user, through the proxy's web port: the proxy passes
// connections for teleport.cluster.local to auth unopened, so the user's TLS certificate is
// checked by auth itself, end to end.
import { AuthApiError, AuthClient, AuthTlsError, AuthUnreachableError } from "../auth/index.js";
import { formatHostPort, type HostPort } from "./addr.js";
import { tlsIdentity, type Credentials } from "./credentials.js";
import { ClientError, UnreachableError } from "./errors.js";

export function clusterClient(webProxy: HostPort, credentials: Credentials): AuthClient {
  return new AuthClient({ addr: formatHostPort(webProxy), identity: tlsIdentity(credentials) });
}

/** The auth client's errors as tsh reports them. */
function explainClusterError(error: unknown, credentials: Credentials): unknown {
  if (error instanceof AuthUnreachableError) {
    return new UnreachableError("the proxy", error.addr, error.reason, { cause: error });
  }
  if (error instanceof AuthTlsError) {
    return new ClientError(`${error.message} (tsh uses ${credentials.source})`, { cause: error });
  }
  if (error instanceof AuthApiError) {
    const hint = error.status === 401 ? ": run tsh login again" : "";
    return new ClientError(`${error.message}${hint}`, { cause: error });
  }
  return error;
}

/** Runs one piece of work with the cluster client, reporting failures tsh's way. */
export async function withCluster<T>(
  webProxy: HostPort,
  credentials: Credentials,
  work: (client: AuthClient) => Promise<T>,
): Promise<T> {
  try {
    return await work(clusterClient(webProxy, credentials));
  } catch (error) {
    throw explainClusterError(error, credentials);
  }
}
