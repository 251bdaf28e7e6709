import { Module } from '@nestjs/common';
import { AppConfigModule } from '@app/config';
import { KafkaModule } from '@app/kafka';
import { MetricsModule } from '@app/metrics';
import { selectorConfigSchema } from './selector.config';
import { SelectorService } from './selector.service';

@Module({
  imports: [AppConfigModule.forRoot(selectorConfigSchema), MetricsModule.forRoot('selector'), KafkaModule],
  providers: [SelectorService],
})
export class SelectorModule {}
