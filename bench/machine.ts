import { readFileSync } from 'node:fs';
import os from 'node:os';
import { clockTicksPerSecond, hasTaskset } from './proc.ts';

/** The machine a run was made on, printed above the results and saved with them. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  kernel: string;
  pinned: boolean;
  clockTicksPerSecond: number;
  openFilesLimit: string;
  /** 1-minute load average when the run started: others' work skews every number. */
  loadAverage: number;
}

/** Describes this machine. */
export function describeMachine(): MachineInfo {
  const limits = readFileSync('/proc/self/limits', 'utf8').split('\n').find((row) => row.startsWith('Max open files'));
  return {
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    // Every core of the machine, not this process's affinity (the generator pins itself to one).
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
    pinned: hasTaskset(),
    clockTicksPerSecond: clockTicksPerSecond(),
    openFilesLimit: limits?.split(/\s{2,}/)[1] ?? 'unknown',
    loadAverage: os.loadavg()[0]!,
  };
}
