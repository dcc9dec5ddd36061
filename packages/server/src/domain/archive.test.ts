import { describe, expect, it } from 'vitest';
import { errorCode } from '../test-support/errors.js';
import { checkMethodArchive, checkMethodDelete, checkPosArchive, checkPosDelete, checkPosRestore } from './archive.js';

describe('archiving and deleting', () => {
  it('deletes a payment method only when nothing went through it and no POS offers it', () => {
    expect(errorCode(() => checkMethodDelete({ paymentLines: 0, posConfigs: [] }))).toBe('no error');
    expect(errorCode(() => checkMethodDelete({ paymentLines: 1, posConfigs: [] }))).toBe('KASSA_METHOD_IN_USE');
    expect(errorCode(() => checkMethodDelete({ paymentLines: 0, posConfigs: [{ id: 2, name: 'Till 2' }] }))).toBe('KASSA_METHOD_IN_USE');
  });

  it('archives a payment method only when no POS configuration in use would be left without a method, naming those that would', () => {
    expect(errorCode(() => checkMethodArchive({ leftWithout: [] }))).toBe('no error');
    expect(errorCode(() => checkMethodArchive({ leftWithout: [{ id: 2, name: 'Till 2' }] }))).toBe('KASSA_POS_LAST_METHOD');
    expect(() =>
      checkMethodArchive({
        leftWithout: [
          { id: 2, name: 'Till 2' },
          { id: 3, name: 'Bar' },
        ],
      }),
    ).toThrow(/Till 2, Bar/);
  });

  it('restores a POS configuration only when one of its methods is in use', () => {
    expect(errorCode(() => checkPosRestore({ hasActiveMethod: true }))).toBe('no error');
    expect(errorCode(() => checkPosRestore({ hasActiveMethod: false }))).toBe('KASSA_POS_NO_METHOD');
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
