/** `npm run models:fetch`: puts every pinned encoder under models/ into the cache, checksums verified. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ModelRepository } from '@app/models';

async function main(): Promise<void> {
  const repository = new ModelRepository({ log: (line) => console.log(`[models] ${line}`) });
  for (const name of readdirSync(repository.modelsDir).sort()) {
    if (!statSync(join(repository.modelsDir, name)).isDirectory()) continue;
    const manifest = repository.manifest(name);
    if (manifest.format !== 'hf-onnx-encoder') continue;
    const dir = await repository.ensureFetched(name);
    console.log(`[models] ${name}@${manifest.version} ready in ${dir}`);
  }
}

main().catch((error) => {
  console.error(`[models] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
