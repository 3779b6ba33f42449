import { jest } from '@jest/globals';

// Some unit specs render and decode real QR images: on the shared 2-core CI machine, with the e2e tier running beside
// them, Jest's default 5 s is not always enough. Speed is measured by the benchmarks (test/bench), not by timeouts.
jest.setTimeout(20_000);
