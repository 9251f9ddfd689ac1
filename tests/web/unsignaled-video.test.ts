import { describe, expect, it } from 'vitest';
import { withoutVideoSsrcs } from '../../web/lib/actors/unsignaled-video.ts';

// The shape of a Chromium offer: audio, camera video with RTX, the data channel, a screen.
const offer = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  'a=group:BUNDLE 0 1 2 3',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'a=mid:0',
  'a=msid:cam a1',
  'a=ssrc:11 cname:x',
  'a=ssrc:11 msid:cam a1',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97',
  'a=mid:1',
  'a=msid:cam v1',
  'a=ssrc-group:FID 21 22',
  'a=ssrc:21 cname:x',
  'a=ssrc:22 cname:x',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'a=mid:2',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97',
  'a=mid:3',
  'a=msid:screen v2',
  'a=ssrc:31 cname:x',
  '',
].join('\r\n');

describe('withoutVideoSsrcs', () => {
  it('drops the SSRC lines of every video section and keeps their msid', () => {
    const result = withoutVideoSsrcs(offer);
    const videoSections = result.split('m=video').slice(1);
    expect(videoSections).toHaveLength(2);
    for (const section of videoSections) expect(section).not.toMatch(/a=ssrc/);
    expect(result).toContain('a=msid:cam v1');
    expect(result).toContain('a=msid:screen v2');
  });

  it('keeps the audio section and every other line as it was, with CRLF line ends', () => {
    const result = withoutVideoSsrcs(offer);
    expect(result).toContain('a=ssrc:11 cname:x\r\na=ssrc:11 msid:cam a1\r\nm=video');
    const dropped = offer.split('\r\n').filter((line) => !result.split('\r\n').includes(line));
    expect(dropped).toEqual(['a=ssrc-group:FID 21 22', 'a=ssrc:21 cname:x', 'a=ssrc:22 cname:x', 'a=ssrc:31 cname:x']);
    expect(result.endsWith('\r\n')).toBe(true);
  });

  it('leaves a description without video unchanged', () => {
    const audioOnly = offer.slice(0, offer.indexOf('m=video'));
    expect(withoutVideoSsrcs(audioOnly)).toBe(audioOnly);
  });
});
