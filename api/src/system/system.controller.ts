import { Controller, Get, Header, HttpCode } from '@nestjs/common';
import { ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { Public } from '../common/public.decorator.js';
import { Metrics } from './metrics.js';
import { NotReadyEnvelopeDto, ReadinessDto } from './readiness.dto.js';
import { ReadinessService } from './readiness.service.js';
import { SystemStatusDto } from './system-status.dto.js';
import { SystemStatusService } from './system-status.service.js';
import { RateLimit } from '../rate-limits/rate-limit.decorator.js';

class LivenessDto {
  /** Always `ok` while the process serves requests. */
  status!: 'ok';
}

@ApiTags('system')
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  /** Liveness: the process is up and serving HTTP. */
  @Public()
  @Get()
  @ApiOkResponse({ type: LivenessDto })
  live(): LivenessDto {
    return { status: 'ok' };
  }

  /** Readiness of the database, the ledger and IPFS; 503 naming each component that is down, by name and state only. */
  @Public()
  @Get('ready')
  @ApiOkResponse({ type: ReadinessDto })
  @ApiResponse({
    status: 503,
    description:
      'NOT_READY: a backing component is down; the message names it, `components` gives every component by name and state (never why it is down)',
    type: NotReadyEnvelopeDto,
    headers: {
      'Retry-After': {
        description: 'Seconds after which asking again is worth it',
        required: true,
        schema: { type: 'integer', minimum: 0 },
      },
    },
  })
  async ready(): Promise<ReadinessDto> {
    return { status: 'ready', components: await this.readiness.check() };
  }
}

@ApiTags('system')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  /** Prometheus metrics in text format. */
  @Public()
  @Get()
  @HttpCode(200)
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOkResponse({
    description: 'The metrics, in the Prometheus text format (version 0.0.4)',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

@ApiTags('system')
@Controller('system')
export class SystemStatusController {
  constructor(private readonly systemStatus: SystemStatusService) {}

  /**
   * Versions (API, chaincode, Fabric), the channel, each peer's block height and whether it
   * answers, the IPFS node, the projection's lag and the last reconciliation. A peer or an
   * IPFS node that does not answer within about 2 s is reported as such; the answer is still 200.
   */
  @Roles('admin', 'auditor')
  @Get('status')
  @RateLimit('audit')
  @ApiOkResponse({ type: SystemStatusDto })
  @ApiErrors([503, 'The database cannot be reached (sessions, the checkpoint and the runs are read there)'])
  async status(): Promise<SystemStatusDto> {
    return SystemStatusDto.from(await this.systemStatus.status());
  }
}
