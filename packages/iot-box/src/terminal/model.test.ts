import { describe, expect, it } from 'vitest';
import { identityFromVersionInformation } from './model.js';

describe('identityFromVersionInformation', () => {
  it('finds the model in the version string and keeps the serial number', () => {
    expect(identityFromVersionInformation({ applicationId: 'ECR-TLV', versionString: 'Move/5000 ECR-TLV 08.23', serialNumber: '218S00000001' })).toEqual({
      model: 'move5000',
      serialNumber: '218S00000001',
    });
    expect(identityFromVersionInformation({ applicationId: 'LANE5000 app' }).model).toBe('lane5000');
  });

  it('says unknown when no field names a model', () => {
    expect(identityFromVersionInformation({ applicationId: 'ECR-TLV' })).toEqual({ model: 'unknown', serialNumber: null });
  });
});
