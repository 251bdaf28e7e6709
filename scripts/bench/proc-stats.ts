import { readFileSync } from 'node:fs';

/** CPU time and resident memory of a process from /proc (Linux); undefined where it is gone. */
function sample(pid: number): { cpuSeconds: number; rssMiB: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
    const rss = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
    return { cpuSeconds: ticks / 100, rssMiB: rss ? Number(rss[1]) / 1024 : 0 };
  } catch {
    return undefined;
  }
}

export interface ProcessFigures {
  name: string;
  /** Share of one core over the window (1 = a full core). */
  cpuCores: number;
  peakRssMiB: number;
}

/** Samples named processes every second between start() and stop(): CPU share and peak RSS each. */
export class ProcessSampler {
  private timer?: NodeJS.Timeout;
  private readonly first = new Map<string, number>();
  private readonly last = new Map<string, number>();
  private readonly peak = new Map<string, number>();
  private startedAt = 0;
  private stoppedAt = 0;

  constructor(private readonly processes: () => { name: string; pid: number | undefined }[]) {}

  start(): void {
    this.startedAt = Date.now();
    this.tick();
    this.timer = setInterval(() => this.tick(), 1000);
  }

  stop(): ProcessFigures[] {
    clearInterval(this.timer);
    this.tick();
    this.stoppedAt = Date.now();
    const seconds = (this.stoppedAt - this.startedAt) / 1000;
    return [...this.first.keys()].map((name) => ({
      name,
      cpuCores: Math.round((((this.last.get(name) ?? 0) - (this.first.get(name) ?? 0)) / seconds) * 100) / 100,
      peakRssMiB: Math.round(this.peak.get(name) ?? 0),
    }));
  }

  private tick(): void {
    for (const { name, pid } of this.processes()) {
      if (pid === undefined) continue;
      const s = sample(pid);
      if (!s) continue;
      if (!this.first.has(name)) this.first.set(name, s.cpuSeconds);
      this.last.set(name, s.cpuSeconds);
      this.peak.set(name, Math.max(this.peak.get(name) ?? 0, s.rssMiB));
    }
  }
}
