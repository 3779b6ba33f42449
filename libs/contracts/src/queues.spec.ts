import { ALL_QUEUES, QueueName } from '@campuspass/contracts';

describe('QueueName', () => {
  it('names the gate-events queue the gate agent drains into', () => {
    expect(QueueName.GateEvents).toBe('gate-events');
  });

  it('has unique queue names', () => {
    expect(new Set(ALL_QUEUES).size).toBe(ALL_QUEUES.length);
  });
});
