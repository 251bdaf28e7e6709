export * from './topics';
export * from './headers';
export * from './envelopes';
export * from './gen/chat/v1/events_pb';
export * from './repo-paths';
export * from './nlu-tasks';
export * from './regex-source';
