export * from './queues.js';
export * from './profile-options.js';
export * from './gate-bundle.js';
export * from './gate-event.js';
export * from './gate-api.js';
