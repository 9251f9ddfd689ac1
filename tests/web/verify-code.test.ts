import { describe, expect, it } from 'vitest';
import { verifyCode } from '../../web/lib/verify-code.ts';

const alice = 'sha-256 0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9';
const bob = 'sha-256 F9:E8:D7:C6:B5:A4:93:82:71:60:5F:4E:3D:2C:1B:0A:F9:E8:D7:C6:B5:A4:93:82:71:60:5F:4E:3D:2C:1B:0A';
const mallory = 'sha-256 11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00';

describe('verification code', () => {
  describe('happy path', () => {
    it('is the same six digits on both ends of a connection', async () => {
      const atAlice = await verifyCode({ local: alice, remote: bob });
      expect(atAlice).toMatch(/^\d{3} \d{3}$/);
      expect(await verifyCode({ local: bob, remote: alice })).toBe(atAlice);
    });

    it('differs on the two sides when someone relays between them with a certificate of its own', async () => {
      const atAlice = await verifyCode({ local: alice, remote: mallory });
      const atBob = await verifyCode({ local: bob, remote: mallory });
      expect(atAlice).not.toBe(atBob);
    });
  });

  describe('failure', () => {
    it('is not shown before both fingerprints are known', async () => {
      expect(await verifyCode({ local: alice, remote: null })).toBeNull();
      expect(await verifyCode({ local: null, remote: bob })).toBeNull();
    });
  });
});
