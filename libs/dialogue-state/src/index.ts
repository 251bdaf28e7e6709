export * from './conversation-store';
export * from './coreference';
export * from './signals';
export * from './dialogue-state';
