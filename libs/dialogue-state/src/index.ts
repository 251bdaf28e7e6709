export * from './conversation-store';
export * from './coreference';
export * from './signals';
export * from './dialogue-state';
export * from './rewrite-attempt';
export * from './english-words';
