import { runHttpApp } from '@app/runtime';
import { nluWorkerConfigSchema } from './nlu-worker.config';
import { NluWorkerModule } from './nlu-worker.module';

void runHttpApp('nlu-worker', NluWorkerModule, nluWorkerConfigSchema);
