import { mkdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { ensureCgroup2Mount } from "./cgroup-path.js";
import { unmountFilesystem } from "./mount-command.js";
import { checkCgroupName, checkRootPath } from "./names.js";
import { errnoCode, readPids, removeCgroupTree } from "./procs.js";

export interface SessionCgroupsOptions {
  /** ssh_service.enhanced_recording.cgroup_path: a cgroup2 mount, or a missing/empty folder. */
  cgroupPath: string;
  /** ssh_service.enhanced_recording.root_path: the folder under cgroupPath for teleport. */
  rootPath: string;
  /** This node instance; its sessions live in <cgroupPath>/<rootPath>/<instanceId>. */
  instanceId: string;
}

export interface SessionCgroup {
  dir: string;
  /** Where the launcher writes its pid to join the session. */
  procsPath: string;
  /** The kernel's cgroup id (the folder's inode number), as BPF programs see it. */
  id: bigint;
}

/** One cgroup per SSH session, under a folder owned by this node instance. */
export class SessionCgroups {
  /** <cgroup mount>/<rootPath>/<instanceId> */
  readonly instanceDir: string;
  /** The cgroup2 mount point in use. */
  readonly mountPoint: string;
  /** True when open() mounted cgroup2 itself. */
  readonly mountedByUs: boolean;
  #closed = false;
  #unmounted = false;

  private constructor(mountPoint: string, mountedByUs: boolean, instanceDir: string) {
    this.mountPoint = mountPoint;
    this.mountedByUs = mountedByUs;
    this.instanceDir = instanceDir;
  }

  /** Mounts cgroup2 at cgroupPath if needed and creates the instance folder. */
  static open(options: SessionCgroupsOptions): SessionCgroups {
    const rootPath = checkRootPath(options.rootPath);
    const instanceId = checkCgroupName("instance id", options.instanceId);
    const { mountPoint, mounted } = ensureCgroup2Mount(options.cgroupPath);
    const instanceDir = join(mountPoint, rootPath, instanceId);
    try {
      mkdirSync(instanceDir, { recursive: true });
    } catch (error) {
      if (mounted) unmountFilesystem(mountPoint); // leave the host as open() found it
      throw new Error(
        `cannot create the cgroup ${instanceDir} for this node's sessions: ${(error as Error).message}`,
      );
    }
    return new SessionCgroups(mountPoint, mounted, instanceDir);
  }

  #dir(sid: string): string {
    return join(this.instanceDir, checkCgroupName("session id", sid));
  }

  #checkOpen(): void {
    if (this.#closed) throw new Error(`session cgroups in ${this.instanceDir} are closed`);
  }

  /** Creates the session's cgroup; fails if it already exists (session ids are never reused). */
  create(sid: string): SessionCgroup {
    this.#checkOpen();
    const dir = this.#dir(sid);
    try {
      mkdirSync(dir);
    } catch (error) {
      if (errnoCode(error) === "EEXIST") throw new Error(`session cgroup ${dir} already exists`);
      throw new Error(`cannot create session cgroup ${dir}: ${(error as Error).message}`);
    }
    return { dir, procsPath: join(dir, "cgroup.procs"), id: statSync(dir, { bigint: true }).ino };
  }

  /** Processes directly in the session's cgroup (none once it is removed). */
  pids(sid: string): number[] {
    return readPids(this.#dir(sid));
  }

  /** Moves the session's leftover processes to the instance cgroup and removes its cgroup. */
  remove(sid: string): void {
    removeCgroupTree(this.#dir(sid), join(this.instanceDir, "cgroup.procs"));
  }

  /**
   * Removes every session cgroup and the instance folder; leftover processes move to
   * <cgroupPath>/<rootPath>, which other instances share and so stays. Unmounts cgroup2 only
   * when asked and only if open() mounted it (the daemon leaves the mount, as Teleport does).
   */
  close(options: { unmount?: boolean } = {}): void {
    if (!this.#closed) {
      removeCgroupTree(this.instanceDir, join(dirname(this.instanceDir), "cgroup.procs"));
      this.#closed = true;
    }
    if (options.unmount === true && this.mountedByUs && !this.#unmounted) {
      unmountFilesystem(this.mountPoint);
      this.#unmounted = true;
    }
  }
}
