import { Controller, Get, Header, HttpCode } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator.js';
import { ErrorEnvelopeDto } from '../common/ledger-answers.decorator.js';
import { Public } from '../common/public.decorator.js';
import { Metrics } from './metrics.js';
import { type Readiness, ReadinessService } from './readiness.service.js';
import { SystemStatusDto } from './system-status.dto.js';
import { SystemStatusService } from './system-status.service.js';

class LivenessDto {
  /** Always `ok` while the process serves requests. */
  status!: 'ok';
}

class ReadinessDto {
  status!: 'ready';
  /** Each backing component: `up` or `down`, how long its check took, and why it is down. */
  components!: Readiness;
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

  /** Readiness of the database, the ledger and IPFS; 503 naming each component that is down. */
  @Public()
  @Get('ready')
  @ApiOkResponse({ type: ReadinessDto })
  @ApiServiceUnavailableResponse({ description: 'A backing component is down; the body lists every component' })
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
  @ApiOkResponse({ type: SystemStatusDto })
  @ApiServiceUnavailableResponse({
    description: 'The database cannot be reached (sessions, the checkpoint and the runs are read there)',
    type: ErrorEnvelopeDto,
  })
  async status(): Promise<SystemStatusDto> {
    return SystemStatusDto.from(await this.systemStatus.status());
  }
}
