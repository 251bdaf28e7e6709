/** `npm run models:fetch`: puts every pinned model under models/ into the cache, checksums verified, fine-tunes rebuilt from their deltas. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ModelRepository } from '@app/models';

async function main(): Promise<void> {
  const repository = new ModelRepository({ log: (line) => console.log(`[models] ${line}`) });
  for (const name of readdirSync(repository.modelsDir).sort()) {
    if (!statSync(join(repository.modelsDir, name)).isDirectory()) continue;
    const manifest = repository.manifest(name);
    const dir = await repository.prepare(name);
    if (dir === null) continue;
    // The response index takes a minute to embed on a small machine: build it here, not in a worker's start.
    if (manifest.format === 'response-bank') await (await repository.responseIndex(name)).index.release();
    console.log(`[models] ${name}@${manifest.version} ready in ${dir}`);
  }
}

main().catch((error) => {
  console.error(`[models] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
