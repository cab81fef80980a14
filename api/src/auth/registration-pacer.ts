import { Injectable } from '@nestjs/common';

/** Registrations whose duration is remembered. */
const REMEMBERED = 25;

/** Assumed until a registration on this process has been timed: about a CA enrollment and a ledger transaction. */
export const DEFAULT_CREATION_MS = 1500;

/**
 * Creating a patient's account takes a certificate from the hospital's CA and a ledger
 * transaction: a second or two, where finding that the address has an account takes
 * milliseconds. So that the answer's timing does not tell the two apart, a registration
 * that creates nothing lasts as long as a creation typically does on this process: the
 * median of the last ones, give or take a tenth at random.
 */
@Injectable()
export class RegistrationPacer {
  private readonly durations: number[] = [];

  constructor(
    private readonly random: () => number = Math.random,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** Remembers how long a registration that created an account took. */
  recordCreation(ms: number): void {
    this.durations.push(ms);
    if (this.durations.length > REMEMBERED) this.durations.shift();
  }

  /** How long a creation typically takes now. */
  typicalMs(): number {
    if (this.durations.length === 0) return DEFAULT_CREATION_MS;
    const sorted = [...this.durations].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  }

  /** Waits out the rest of a typical creation, counted from `startedAt` (performance.now()). */
  async padFrom(startedAt: number, now: number = performance.now()): Promise<void> {
    const target = this.typicalMs() * (0.9 + 0.2 * this.random());
    const rest = target - (now - startedAt);
    if (rest > 0) await this.sleep(rest);
  }
}
