// The cluster's CAs, made on first start and stored at /authorities/cluster. The name they were
// made with is the cluster's name for good: a config that says otherwise stops the start.
import { AlreadyExistsError, type Backend } from "../../backend/index.js";
import {
  generateClusterCas,
  loadClusterCas,
  storeClusterCas,
  type ClusterCas,
} from "../ca/index.js";
import { ClusterNameMismatchError } from "./errors.js";

export const CLUSTER_CAS_KEY = "/authorities/cluster";

export interface ClusterCasOptions {
  /** auth_service.cluster_name, when the config sets it. */
  configuredName: string | undefined;
  /** The name of a new cluster when the config sets none (Teleport: the host name). */
  defaultName: string;
  now: Date;
  /** For messages: where the backend lives. */
  backendPath: string;
}

function checked(cas: ClusterCas, options: ClusterCasOptions): ClusterCas {
  const { configuredName } = options;
  if (configuredName !== undefined && configuredName !== cas.clusterName) {
    throw new ClusterNameMismatchError(configuredName, cas.clusterName, options.backendPath);
  }
  return cas;
}

export async function loadOrCreateClusterCas(
  backend: Backend,
  options: ClusterCasOptions,
): Promise<{ cas: ClusterCas; created: boolean }> {
  const stored = await backend.get(CLUSTER_CAS_KEY);
  if (stored !== undefined)
    return { cas: checked(loadClusterCas(stored.value), options), created: false };

  const cas = await generateClusterCas({
    clusterName: options.configuredName ?? options.defaultName,
    now: options.now,
  });
  try {
    // create, not put: of two auth processes starting at once, only one cluster is made.
    await backend.create(CLUSTER_CAS_KEY, JSON.stringify(storeClusterCas(cas)));
    return { cas, created: true };
  } catch (error) {
    if (!(error instanceof AlreadyExistsError)) throw error;
    const winner = await backend.get(CLUSTER_CAS_KEY);
    if (winner === undefined) throw error;
    return { cas: checked(loadClusterCas(winner.value), options), created: false };
  }
}
