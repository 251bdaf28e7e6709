import { bucketOf, profileTable, summarizeProfile } from './cpu-profile';

describe('cpu profile summary', () => {
  it('puts each frame in the bucket of the package or project lib it comes from', () => {
    expect(bucketOf('run', '/app/node_modules/onnxruntime-node/dist/backend.js')).toBe('model');
    expect(bucketOf('decode', '/app/node_modules/kafkajs/src/protocol/decoder.js')).toBe('kafkajs');
    expect(bucketOf('readMessage', '/app/node_modules/@bufbuild/protobuf/dist/cjs/from-binary.js')).toBe('protobuf');
    expect(bucketOf('x', '/app/node_modules/@grpc/grpc-js/build/src/server.js')).toBe('http/grpc');
    expect(bucketOf('x', '/app/node_modules/lodash/index.js')).toBe('npm:lodash');
    expect(bucketOf('embed', '/app/dist/libs/models/src/sentence-encoder.js')).toBe('model');
    expect(bucketOf('decodeEvent', '/app/dist/libs/contracts/src/envelopes.js')).toBe('protobuf');
    expect(bucketOf('answer', '/app/dist/apps/selector/src/selector.service.js')).toBe('app:selector');
    expect(bucketOf('(garbage collector)', '')).toBe('gc');
    expect(bucketOf('(idle)', '')).toBe('idle');
    expect(bucketOf('emit', 'node:events')).toBe('node');
  });

  it('adds each sample’s time to the bucket of the frame it landed in', () => {
    const buckets = summarizeProfile({
      nodes: [
        { id: 1, callFrame: { functionName: '(idle)', url: '' } },
        { id: 2, callFrame: { functionName: 'run', url: '/x/node_modules/onnxruntime-node/dist/backend.js' } },
        { id: 3, callFrame: { functionName: 'fetch', url: '/x/node_modules/kafkajs/src/consumer.js' } },
      ],
      samples: [1, 2, 2, 3],
      timeDeltas: [5000, 1000, 2000, 500],
    });
    expect(buckets).toEqual({ idle: 5, model: 3, kafkajs: 0.5 });
    const table = profileTable([{ name: 'nlu', buckets }]);
    // Shares of busy time (idle left out): model 3 of 3.5 ms, kafkajs 0.5.
    expect(table).toContain('| nlu | 0.0 | 86% | 14% |');
  });
});
