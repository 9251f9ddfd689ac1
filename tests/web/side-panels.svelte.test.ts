import { describe, expect, it, vi } from 'vitest';
import { SidePanels } from '../../web/lib/side-panels.svelte.ts';

describe('the side panels', () => {
  describe('happy path', () => {
    it('opens and closes each panel, the chat through the chat log, and knows when any is open', () => {
      const chat = { open: false };
      const panels = new SidePanels(() => chat);
      expect(panels.anyOpen).toBe(false);
      panels.toggle('chat');
      expect([chat.open, panels.isOpen('chat'), panels.anyOpen]).toEqual([true, true, true]);
      panels.toggle('stats');
      panels.toggle('chat');
      expect([chat.open, panels.stats, panels.anyOpen]).toEqual([false, true, true]);
    });

    it('gives the focus back to the button that opened a panel once it closes', async () => {
      const panels = new SidePanels(() => ({ open: false }));
      const button = document.body.appendChild(document.createElement('button'));
      panels.buttons.devices = button;
      panels.toggle('devices');
      panels.close('devices');
      expect(panels.devices).toBe(false);
      await vi.waitFor(() => expect(document.activeElement).toBe(button));
    });
  });
});
