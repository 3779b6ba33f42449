export * from './queues.js';
export * from './profile-options.js';
