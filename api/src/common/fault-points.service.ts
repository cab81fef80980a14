import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import type { FaultPoint } from './fault-points.js';

/** Kills the process at the fault point that FAULT_INJECTION names; does nothing otherwise. */
@Injectable()
export class FaultPoints {
  private readonly logger = new Logger(FaultPoints.name);
  private readonly armed: FaultPoint | undefined;

  constructor(config: AppConfig) {
    this.armed = config.FAULT_INJECTION;
    if (this.armed) this.logger.warn(`fault injection armed: the process kills itself at ${this.armed}`);
  }

  reached(point: FaultPoint): void {
    if (point !== this.armed) return;
    this.logger.error(`fault injection: SIGKILL at ${point}`);
    process.kill(process.pid, 'SIGKILL');
  }
}
