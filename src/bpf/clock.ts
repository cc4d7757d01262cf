import { readFileSync } from "node:fs";

/**
 * Converts the kernel's CLOCK_BOOTTIME stamps (bpf_ktime_get_boot_ns) to wall-clock time.
 * Node reads CLOCK_MONOTONIC precisely (process.hrtime); BOOTTIME runs ahead of it only by the
 * time the machine spent suspended, which /proc/uptime shows to 10 ms. Below that resolution the
 * two are taken as equal, so on a machine that never slept the conversion is exact.
 */
export class BootClock {
  private readonly wallMinusBootNs: bigint;

  constructor(uptimePath = "/proc/uptime") {
    const monoNs = process.hrtime.bigint();
    const wallNs = BigInt(Date.now()) * 1_000_000n;
    const uptimeNs = BigInt(
      Math.round(Number(readFileSync(uptimePath, "utf8").split(" ")[0]) * 1e9),
    );
    const suspendedNs = uptimeNs - monoNs > 20_000_000n ? uptimeNs - monoNs : 0n;
    this.wallMinusBootNs = wallNs - (monoNs + suspendedNs);
  }

  /** The wall-clock time of a BOOTTIME stamp. */
  toDate(bootNs: bigint): Date {
    return new Date(Number((bootNs + this.wallMinusBootNs) / 1_000_000n));
  }
}
