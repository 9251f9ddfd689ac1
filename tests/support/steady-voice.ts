import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A WAV file of a steady tone, for Chromium's fake microphone
 * (`--use-file-for-fake-audio-capture`, which loops it): someone talking without a pause, where
 * the usual fake microphone only beeps twice a second. Written once per test file; returns the
 * Chromium flag that plays it.
 */
export function steadyVoiceFlag(): string {
  const rate = 48_000;
  const samples = rate * 2;
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(samples * 2, 40);
  // 200 Hz fits the two seconds a whole number of times, so the loop has no click.
  for (let index = 0; index < samples; index++) wav.writeInt16LE(Math.round(0.3 * 32_767 * Math.sin((2 * Math.PI * 200 * index) / rate)), 44 + index * 2);
  const path = join(tmpdir(), `parley-steady-voice-${process.pid}.wav`);
  writeFileSync(path, wav);
  return `--use-file-for-fake-audio-capture=${path}`;
}
