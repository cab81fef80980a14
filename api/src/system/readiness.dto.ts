import { ApiProperty } from '@nestjs/swagger';
import { ErrorEnvelopeDto } from '../common/error-envelope.dto.js';
import type { ComponentState, Readiness } from './readiness.service.js';

/** One backing component: whether it answers, and how long its check took; never why it is down (the log says). */
export class ComponentStateDto implements ComponentState {
  @ApiProperty({ enum: ['up', 'down'] }) status!: 'up' | 'down';
  @ApiProperty({ type: 'integer', minimum: 0, example: 3 }) latencyMs!: number;
}

/** Every backing component, by name. */
export class ReadinessComponentsDto implements Readiness {
  @ApiProperty({ type: ComponentStateDto }) database!: ComponentStateDto;
  @ApiProperty({ type: ComponentStateDto }) ledger!: ComponentStateDto;
  @ApiProperty({ type: ComponentStateDto }) ipfs!: ComponentStateDto;
}

/** Ready: every backing component answers. */
export class ReadinessDto {
  @ApiProperty({ enum: ['ready'] }) status!: 'ready';
  @ApiProperty({ type: ReadinessComponentsDto }) components!: ReadinessComponentsDto;
}

/** Not ready (503 NOT_READY): the envelope, and every component's state; the message names those that are down. */
export class NotReadyEnvelopeDto extends ErrorEnvelopeDto {
  @ApiProperty({ type: ReadinessComponentsDto }) components!: ReadinessComponentsDto;
}
