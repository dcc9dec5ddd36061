import { describe, expect, it } from 'vitest';
import { errorCode } from '../test-support/errors.js';
import { checkMethodDelete, checkPosArchive, checkPosDelete } from './archive.js';

describe('archiving and deleting', () => {
  it('deletes a payment method only when nothing went through it and no POS offers it', () => {
    expect(errorCode(() => checkMethodDelete({ paymentLines: 0, posConfigIds: [] }))).toBe('no error');
    expect(errorCode(() => checkMethodDelete({ paymentLines: 1, posConfigIds: [] }))).toBe('KASSA_METHOD_IN_USE');
    expect(errorCode(() => checkMethodDelete({ paymentLines: 0, posConfigIds: [2] }))).toBe('KASSA_METHOD_IN_USE');
  });

  it('deletes a POS configuration only when no session was ever opened on it', () => {
    expect(errorCode(() => checkPosDelete({ sessions: 0 }))).toBe('no error');
    expect(errorCode(() => checkPosDelete({ sessions: 3 }))).toBe('KASSA_POS_IN_USE');
  });

  it('archives a POS configuration only while no session of it is open', () => {
    expect(errorCode(() => checkPosArchive({ openSessions: 0 }))).toBe('no error');
    expect(errorCode(() => checkPosArchive({ openSessions: 1 }))).toBe('KASSA_POS_SESSION_OPEN');
  });
});
