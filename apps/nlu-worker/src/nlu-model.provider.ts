import type { Provider } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { APP_CONFIG } from '@app/config';
import { ModelRepository, TaskGroup, logProviderUse, providerUse, type ProviderUse, type TaskManifest } from '@app/models';
import type { NluWorkerConfig } from './nlu-worker.config';

/** The loaded models this process serves, their manifests, and how to free them and their encoders. */
export interface NluModels {
  manifests: TaskManifest[];
  group: TaskGroup;
  /** Where each ONNX Runtime task runs, as configured and as loaded (nlu_execution_provider_info). */
  providers: (ProviderUse & { task: string })[];
  release(): Promise<void>;
}

export const NLU_MODELS = Symbol('NLU_MODELS');

/** Loads models/<task> for each of NLU_TASKS before the consumer starts, fetching pinned weights into the cache if they are missing. */
export const nluModelsProvider: Provider = {
  provide: NLU_MODELS,
  inject: [APP_CONFIG],
  useFactory: async (config: NluWorkerConfig): Promise<NluModels> => {
    const logger = new Logger(`nlu:${config.NLU_TASKS.join('+')}`);
    const repository = new ModelRepository({
      runtime: { provider: config.ORT_PROVIDER, intraOpThreads: config.ORT_INTRA_OP_THREADS, required: config.ORT_PROVIDER_REQUIRED },
      log: (line) => logger.log(line),
    });
    const started = Date.now();
    const manifests = config.NLU_TASKS.map((task) => repository.taskManifest(task));
    // The repository loads each encoder once, whichever tasks ask for it.
    const classifiers = await Promise.all(config.NLU_TASKS.map((task) => repository.load(task)));
    const group = new TaskGroup(classifiers);
    const names = classifiers.map((c) => `${c.modelName}@${c.modelVersion}`).join(', ');
    logger.log(`${names} loaded in ${Date.now() - started} ms`);
    // language and entities run without ONNX Runtime: nothing to report.
    const providers = classifiers.flatMap((c) =>
      c.providers ? [{ task: c.task, ...providerUse(`${c.modelName}@${c.modelVersion}`, config.ORT_PROVIDER, c.providers) }] : [],
    );
    for (const use of providers) logProviderUse(logger, use, `${use.task} (${use.model})`);
    return {
      manifests,
      group,
      providers,
      release: async () => {
        await group.release();
        await repository.release();
      },
    };
  },
};
