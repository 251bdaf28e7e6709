import { runHttpApp } from '@app/runtime';
import { generatorWorkerConfigSchema } from './generator-worker.config';
import { GeneratorWorkerModule } from './generator-worker.module';

void runHttpApp('generator-worker', GeneratorWorkerModule, generatorWorkerConfigSchema);
