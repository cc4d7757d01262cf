// Prometheus metrics of the daemon, served by the diagnostic endpoint (teleport.diag_addr).
export {
  createDaemonMetrics,
  type DaemonMetrics,
  type NodeMetrics,
  type UploadQueue,
} from "./registry.js";
export type { RecorderStats } from "./enhanced.js";
