export {
  cgroup2MountPoints,
  findCgroup2Mount,
  mountPointsOfType,
  readMountinfo,
} from "./mounts.js";
export { inspectCgroupPath, ensureCgroup2Mount, type CgroupPathState } from "./cgroup-path.js";
export { mountFilesystem, unmountFilesystem } from "./mount-command.js";
export {
  SessionCgroups,
  type SessionCgroup,
  type SessionCgroupsOptions,
} from "./session-cgroups.js";
