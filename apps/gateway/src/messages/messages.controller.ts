import { Body, Controller, Headers, HttpCode, Inject, Post } from '@nestjs/common';
import { APP_CONFIG } from '@app/config';
import { GatewayAccess } from '../access/gateway-access.service';
import type { GatewayConfig } from '../gateway.config';
import { parseMessageInput } from './message-input';
import { MessageIntakeService } from './message-intake.service';
import { toHttpNlu } from './nlu-view';

@Controller('v1/messages')
export class MessagesController {
  constructor(
    private readonly intake: MessageIntakeService,
    private readonly access: GatewayAccess,
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Post()
  @HttpCode(200)
  async send(@Body() body: unknown, @Headers('authorization') authorization?: string, @Headers('x-api-key') apiKey?: string) {
    const key = this.access.authenticate(authorization ?? apiKey);
    const input = parseMessageInput(body, { maxTextChars: this.config.MAX_TEXT_CHARS, maxDeadlineMs: this.config.MAX_DEADLINE_MS });
    this.access.limit(input.userId, key);
    const result = await this.intake.handle(input, 'http', key);
    return {
      messageId: result.messageId,
      conversationId: result.conversationId,
      ...(result.clientMessageId ? { clientMessageId: result.clientMessageId } : {}),
      reply: {
        text: result.reply.text,
        source: result.reply.source,
        reason: result.reply.reason,
        latencyMs: result.reply.latencyMs,
        fallback: result.reply.fallback,
      },
      nlu: toHttpNlu(result.reply.nlu),
    };
  }
}
