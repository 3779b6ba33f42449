import { jest } from '@jest/globals';

// testTimeout is a global Jest option (ignored inside `projects`), so each tier sets its own here.
jest.setTimeout(60_000);
