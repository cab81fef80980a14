import { Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from './clock.js';
import { FaultPoints } from './fault-points.service.js';

/** What every feature may use: the clock, the fault points. */
@Global()
@Module({
  providers: [{ provide: Clock, useClass: SystemClock }, FaultPoints],
  exports: [Clock, FaultPoints],
})
export class CommonModule {}
