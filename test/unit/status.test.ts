import * as assert from 'node:assert/strict';
import {
  agentStatusFilter,
  cloudStatusFilter,
  normaliseAgentStatus,
  normaliseCloudStatus,
} from '../../src/core/api/status';
import type { TaskStatus } from '../../src/core/tasks/model';

describe('status normalisation', () => {
  it('maps the v1 list/details vocabulary', () => {
    const expected: Record<string, TaskStatus> = {
      queued: 'queued',
      running: 'running',
      completed: 'completed',
      failed: 'failed',
      cancelled: 'cancelled',
      interrupted: 'interrupted',
    };
    for (const [raw, status] of Object.entries(expected)) {
      assert.deepEqual(normaliseAgentStatus(raw), { status, rawStatus: raw });
    }
  });

  it('maps the v1 /status vocabulary (pending, in_progress) onto the same states', () => {
    assert.equal(normaliseAgentStatus('pending').status, 'queued');
    assert.equal(normaliseAgentStatus('in_progress').status, 'running');
    assert.equal(normaliseAgentStatus('completed').status, 'completed');
    assert.equal(normaliseAgentStatus('cancelled').status, 'cancelled');
  });

  it('maps the Cloud vocabulary, keeping the raw value', () => {
    const expected: Record<string, TaskStatus> = {
      pending: 'queued',
      processing: 'running',
      saving: 'running',
      completed: 'completed',
      error: 'failed',
      stopped: 'cancelled',
      timeout: 'failed',
    };
    for (const [raw, status] of Object.entries(expected)) {
      assert.deepEqual(normaliseCloudStatus(raw), { status, rawStatus: raw });
    }
  });

  it('keeps an unknown or missing status as unknown with the raw value', () => {
    assert.deepEqual(normaliseAgentStatus('paused'), { status: 'unknown', rawStatus: 'paused' });
    assert.deepEqual(normaliseCloudStatus('queued'), { status: 'unknown', rawStatus: 'queued' });
    assert.deepEqual(normaliseAgentStatus(undefined), { status: 'unknown', rawStatus: '' });
    assert.deepEqual(normaliseCloudStatus('processing '.toUpperCase()), {
      status: 'running',
      rawStatus: 'PROCESSING ',
    });
  });

  it('reads the same word by each API’s own vocabulary', () => {
    assert.equal(normaliseAgentStatus('error').status, 'unknown');
    assert.equal(normaliseCloudStatus('error').status, 'failed');
  });

  it('translates a status filter for each API', () => {
    assert.equal(agentStatusFilter('running'), 'running');
    assert.equal(agentStatusFilter('unknown'), undefined);
    assert.equal(cloudStatusFilter('queued'), 'active');
    assert.equal(cloudStatusFilter('running'), 'active');
    assert.equal(cloudStatusFilter('completed'), 'completed');
    assert.equal(cloudStatusFilter('failed'), 'failed');
    assert.equal(cloudStatusFilter('cancelled'), 'stopped');
    assert.equal(cloudStatusFilter('interrupted'), null);
    assert.equal(cloudStatusFilter('unknown'), undefined);
  });
});
