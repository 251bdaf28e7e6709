import { Module } from '@nestjs/common';
import { AppConfigModule } from '@app/config';
import { KafkaModule } from '@app/kafka';
import { MetricsModule } from '@app/metrics';
import { gatewayConfigSchema } from './gateway.config';
import { ChatGrpcController } from './messages/chat.grpc.controller';
import { MessageIntakeService } from './messages/message-intake.service';
import { MessagesController } from './messages/messages.controller';
import { ReplyListenerService } from './messages/reply-listener.service';

@Module({
  imports: [AppConfigModule.forRoot(gatewayConfigSchema), MetricsModule.forRoot('gateway'), KafkaModule],
  controllers: [MessagesController, ChatGrpcController],
  providers: [MessageIntakeService, ReplyListenerService],
})
export class GatewayModule {}
