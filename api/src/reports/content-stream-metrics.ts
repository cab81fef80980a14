import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { CONTENT_STORE, type ContentStore } from '../storage/content-store.port.js';
import { Metrics } from '../system/metrics.js';

/**
 * `medledger_content_streams_open{direction}` on `/metrics`: the content store's transfers
 * open now (`read`: content streamed to a client or a verification; `write`: uploads being
 * added). At rest it is 0; a value that stays up after its transfers ended is a leak.
 */
@Injectable()
export class ContentStreamMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    @Inject(CONTENT_STORE) private readonly store: ContentStore,
  ) {}

  onModuleInit(): void {
    const store = this.store;
    new Gauge({
      name: 'medledger_content_streams_open',
      help: 'Content store transfers open now, by direction (read, write)',
      labelNames: ['direction'] as const,
      registers: [this.metrics.registry],
      collect() {
        const open = store.openStreams();
        this.set({ direction: 'read' }, open.reads);
        this.set({ direction: 'write' }, open.writes);
      },
    });
  }
}
