import type { Provider } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { APP_CONFIG } from '@app/config';
import { ModelRepository, type TaskManifest, type TextClassifier } from '@app/models';
import type { NluWorkerConfig } from './nlu-worker.config';

/** The loaded model this process serves, its manifest, and how to free both it and its encoder. */
export interface NluModel {
  manifest: TaskManifest;
  classifier: TextClassifier;
  release(): Promise<void>;
}

export const NLU_MODEL = Symbol('NLU_MODEL');

/** Loads models/<TASK> before the consumer starts, fetching pinned weights into the cache if they are missing. */
export const nluModelProvider: Provider = {
  provide: NLU_MODEL,
  inject: [APP_CONFIG],
  useFactory: async (config: NluWorkerConfig): Promise<NluModel> => {
    const logger = new Logger(`nlu:${config.TASK}`);
    const repository = new ModelRepository({
      runtime: { provider: config.ORT_PROVIDER, intraOpThreads: config.ORT_INTRA_OP_THREADS },
      log: (line) => logger.log(line),
    });
    const started = Date.now();
    const manifest = repository.taskManifest(config.TASK);
    const classifier = await repository.load(config.TASK);
    logger.log(`${classifier.modelName}@${classifier.modelVersion} loaded on ${config.ORT_PROVIDER} in ${Date.now() - started} ms`);
    return {
      manifest,
      classifier,
      release: async () => {
        await classifier.release();
        await repository.release();
      },
    };
  },
};
