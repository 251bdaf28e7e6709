import { Module } from '@nestjs/common';
import { AppConfigModule } from '@app/config';
import { KafkaModule } from '@app/kafka';
import { MetricsModule } from '@app/metrics';
import { GatewayAccess } from './access/gateway-access.service';
import { gatewayConfigSchema } from './gateway.config';
import { ChatGrpcController } from './messages/chat.grpc.controller';
import { MessageIntakeService } from './messages/message-intake.service';
import { MessagesController } from './messages/messages.controller';
import { ReplyListenerService } from './messages/reply-listener.service';

@Module({
  imports: [AppConfigModule.forRoot(gatewayConfigSchema), MetricsModule.forRoot('gateway'), KafkaModule],
  controllers: [MessagesController, ChatGrpcController],
  providers: [GatewayAccess, MessageIntakeService, ReplyListenerService],
})
export class GatewayModule {}
