import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG } from '@app/config';
import { Topic, type Reply } from '@app/contracts';
import { KafkaRuntime, type EventConsumer } from '@app/kafka';
import type { GatewayConfig } from '../gateway.config';
import { MessageIntakeService } from './message-intake.service';
import { toNluViews } from './nlu-view';
import type { DeliveredReply } from './pending-replies';

/**
 * Reads chat.replies in a consumer group of its own (one per gateway instance), so every instance
 * sees every reply and answers the ones its clients wait for.
 */
@Injectable()
export class ReplyListenerService implements OnApplicationBootstrap {
  private readonly consumer: EventConsumer;

  constructor(
    @Inject(APP_CONFIG) config: GatewayConfig,
    kafka: KafkaRuntime,
    private readonly intake: MessageIntakeService,
  ) {
    this.consumer = kafka.consumer({
      groupId: `gateway-${config.GATEWAY_INSTANCE_ID}`,
      topics: [Topic.replies],
      fromBeginning: false,
      maxWaitTimeInMs: 100,
      partitionsConsumedConcurrently: 4,
      handle: async (events) => {
        for (const consumed of events) {
          if (consumed.topic !== Topic.replies) continue;
          const reply = consumed.event;
          if (reply.replyTo !== config.GATEWAY_INSTANCE_ID || !reply.meta) continue;
          this.intake.pending.deliver(reply.meta.messageId, toDelivered(reply));
        }
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }
}

export function toDelivered(reply: Reply): DeliveredReply {
  return {
    text: reply.text,
    source: reply.source,
    reason: reply.reason,
    fallback: reply.fallback,
    latencyMs: reply.latencyMs,
    nlu: toNluViews(reply.nlu),
  };
}
