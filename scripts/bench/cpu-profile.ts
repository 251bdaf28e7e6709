import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The parts of V8's .cpuprofile format (what `node --cpu-prof` writes) a summary needs. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Where sampled main-thread time went, in milliseconds per bucket. */
export type ProfileBuckets = Record<string, number>;

/**
 * Names the bucket a frame's self time goes to. Model work: ONNX Runtime (its `run` is synchronous
 * on the main thread, in a setImmediate), fastText's wasm, the entity tagger and the project's model
 * code. The rest is what the pipeline costs around them: Kafka, protobuf, HTTP/gRPC, Nest, logs …
 */
export function bucketOf(functionName: string, url: string): string {
  if (!url) {
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(garbage collector)') return 'gc';
    if (functionName === '(program)') return 'v8/native';
    return 'native';
  }
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + 'node_modules/'.length).split('/');
    const pkg = parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
    if (pkg.startsWith('onnxruntime') || pkg === 'compromise' || pkg.startsWith('fasttext') || pkg === 'node-llama-cpp') return 'model';
    if (pkg === 'kafkajs') return 'kafkajs';
    if (pkg.startsWith('@bufbuild')) return 'protobuf';
    if (pkg.startsWith('@grpc') || pkg.startsWith('@nestjs') || pkg === 'express' || pkg === 'body-parser') return 'http/grpc';
    if (pkg === 'prom-client') return 'metrics';
    return `npm:${pkg}`;
  }
  const dist = url.match(/\/dist\/(apps|libs)\/([^/]+)\//);
  if (dist) {
    if (dist[2] === 'models') return 'model';
    if (dist[2] === 'contracts') return 'protobuf';
    if (dist[2] === 'kafka') return 'kafka (project)';
    return `${dist[1] === 'apps' ? 'app' : 'lib'}:${dist[2]}`;
  }
  if (url.startsWith('node:')) return url.startsWith('node:internal/streams') || url.startsWith('node:net') ? 'node:io' : 'node';
  if (url.startsWith('wasm://')) return 'model';
  return 'other';
}

/** Self time per bucket of one profile. */
export function summarizeProfile(profile: CpuProfile): ProfileBuckets {
  const bucketById = new Map(profile.nodes.map((node) => [node.id, bucketOf(node.callFrame.functionName, node.callFrame.url)]));
  const buckets: ProfileBuckets = {};
  profile.samples.forEach((id, i) => {
    const bucket = bucketById.get(id) ?? 'other';
    buckets[bucket] = (buckets[bucket] ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000;
  });
  return buckets;
}

/** Every profile in a folder (`--cpu-prof-dir`), by the pid in its file name (CPU.<date>.<time>.<pid>.<tid>.<seq>.cpuprofile). */
export function readProfiles(dir: string): Map<number, ProfileBuckets> {
  const byPid = new Map<number, ProfileBuckets>();
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith('.cpuprofile'));
  } catch {
    return byPid;
  }
  for (const file of files) {
    const pid = Number(file.split('.')[3]);
    byPid.set(pid, summarizeProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile));
  }
  return byPid;
}

/** A table of busy (not idle) main-thread time per process, as shares of that process's busy time. */
export function profileTable(profiles: { name: string; buckets: ProfileBuckets }[]): string {
  const columns = ['model', 'kafkajs', 'kafka (project)', 'protobuf', 'http/grpc', 'gc', 'v8/native', 'node', 'node:io', 'metrics'];
  const rows = profiles.map(({ name, buckets }) => {
    const busy = Object.entries(buckets)
      .filter(([bucket]) => bucket !== 'idle')
      .reduce((sum, [, ms]) => sum + ms, 0);
    const share = (bucket: string) => `${Math.round(((buckets[bucket] ?? 0) / Math.max(busy, 1)) * 100)}%`;
    const rest = Object.entries(buckets)
      .filter(([bucket]) => bucket !== 'idle' && !columns.includes(bucket))
      .reduce((sum, [, ms]) => sum + ms, 0);
    return `| ${name} | ${(busy / 1000).toFixed(1)} | ${columns.map(share).join(' | ')} | ${Math.round((rest / Math.max(busy, 1)) * 100)}% |`;
  });
  return [`| process | busy s | ${columns.join(' | ')} | other |`, `|---|---|${columns.map(() => '---').join('|')}|---|`, ...rows].join(
    '\n',
  );
}
