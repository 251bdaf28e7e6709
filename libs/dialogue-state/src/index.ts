export * from './conversation-store';
