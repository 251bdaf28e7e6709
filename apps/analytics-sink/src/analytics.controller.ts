import { BadRequestException, Controller, Get, Param } from '@nestjs/common';
import { ClickHouseStore } from './clickhouse.provider';

const MESSAGE_ID = /^[A-Za-z0-9-]{1,64}$/;

/** Read side of the store: the sink owns ClickHouse, so reads go through it too. */
@Controller('v1/analytics')
export class AnalyticsController {
  constructor(private readonly store: ClickHouseStore) {}

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
