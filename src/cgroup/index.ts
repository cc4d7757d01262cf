export { cgroup2MountPoints, findCgroup2Mount } from "./mounts.js";
