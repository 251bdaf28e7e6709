import { BadRequestException, Controller, Get, Header, Param, Query } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot } from '@app/contracts';
import { ClickHouseStore } from './clickhouse.provider';
import { EngagementSummaryReader } from './engagement-summary';
import { PhysicalCountsReader } from './physical-counts';

const MESSAGE_ID = /^[A-Za-z0-9-]{1,64}$/;

/** Read side of the store: the sink owns ClickHouse, so reads go through it too. */
@Controller('v1/analytics')
export class AnalyticsController {
  constructor(
    private readonly store: ClickHouseStore,
    private readonly engagement: EngagementSummaryReader,
    private readonly physicalCounts: PhysicalCountsReader,
  ) {}

  /** Engagement over the last `minutes` (default 60, at most a week), from the per-minute rollups. */
  @Get('summary')
  summary(@Query('minutes') minutes?: string) {
    return this.engagement.summary(parseMinutes(minutes));
  }

  /**
   * Rows as stored (no FINAL) per message in each raw table, messages accepted in the last
   * `minutes`, and the rollups against the raw rows: an audit of "every outcome lands once".
   */
  @Get('physical')
  physical(@Query('minutes') minutes?: string) {
    return this.physicalCounts.read(parseMinutes(minutes));
  }

  /** Everything stored for one message: the message, each task's result, candidates and the outcome. */
  @Get('messages/:messageId')
  async message(@Param('messageId') messageId: string) {
    if (!MESSAGE_ID.test(messageId)) throw new BadRequestException('invalid message id');
    const [messages, nluResults, candidates, outcomes] = await Promise.all(
      ['messages', 'nlu_results', 'candidates', 'outcomes'].map((table) => this.rows(table, messageId)),
    );
    return { messageId, messages, nluResults, candidates, outcomes };
  }

  private async rows(table: string, messageId: string): Promise<Record<string, unknown>[]> {
    const result = await this.store.client.query({
      query: `SELECT * EXCEPT inserted_at FROM ${this.store.table(table)} FINAL WHERE message_id = {messageId:String}`,
      query_params: { messageId },
      format: 'JSONEachRow',
    });
    return result.json<Record<string, unknown>>();
  }
}

/** A window of whole minutes, default 60, at most a week; a bad one is a 400 with a machine-readable code. */
function parseMinutes(minutes: string | undefined): number {
  const window = minutes === undefined ? 60 : Number(minutes);
  if (!Number.isInteger(window) || window < 1 || window > 10_080) {
    throw new BadRequestException({ error: { code: 'invalid_minutes', message: 'minutes must be a whole number from 1 to 10080' } });
  }
  return window;
}

const DASHBOARD_HTML = readFileSync(join(repoRoot(), 'apps', 'analytics-sink', 'dashboard', 'index.html'), 'utf8');
// chart.js's package exports hide its dist files from require.resolve; its main entry sits next to the UMD build.
const CHART_JS = readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8');

/** The live engagement dashboard: one page that polls /v1/analytics/summary and draws it with Chart.js. */
@Controller('dashboard')
export class DashboardController {
  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  page(): string {
    return DASHBOARD_HTML;
  }

  @Get('chart.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('cache-control', 'public, max-age=86400')
  chartJs(): string {
    return CHART_JS;
  }
}
