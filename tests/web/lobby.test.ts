import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import Lobby from '../../web/components/Lobby.svelte';

const id = '0b6f2a52-51b1-4c1e-9d0e-3f1f3e0c6a1d';
let component: ReturnType<typeof mount> | undefined;

function render(props: { busy?: boolean } = {}) {
  const oncreate = vi.fn();
  const onjoin = vi.fn();
  const target = document.createElement('div');
  document.body.append(target);
  component = mount(Lobby, { target, props: { oncreate, onjoin, ...props } });
  const byTestId = <T extends HTMLElement>(testId: string) => target.querySelector<T>(`[data-testid="${testId}"]`)!;
  function type(text: string): void {
    const input = byTestId<HTMLInputElement>('join-room-id');
    input.value = text;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();
  }
  return { oncreate, onjoin, byTestId, type };
}

afterEach(() => {
  if (component) unmount(component);
  component = undefined;
  document.body.replaceChildren();
});

describe('lobby', () => {
  describe('happy path', () => {
    it('joins the room of a pasted link', () => {
      const { onjoin, byTestId, type } = render();
      type(`https://parley.example/r/${id}`);
      byTestId<HTMLButtonElement>('join-room').click();
      expect(onjoin).toHaveBeenCalledWith(id);
    });

    it('starts a call from the create button', () => {
      const { oncreate, byTestId } = render();
      byTestId<HTMLButtonElement>('create-room').click();
      expect(oncreate).toHaveBeenCalledOnce();
    });

    it('labels the room field', () => {
      const { byTestId } = render();
      const input = byTestId<HTMLInputElement>('join-room-id');
      expect(document.querySelector(`label[for="${input.id}"]`)?.textContent).toMatch(/room link or id/i);
    });
  });

  describe('failure', () => {
    it('cannot join with an empty field', () => {
      const { onjoin, byTestId, type } = render();
      type('   ');
      expect(byTestId<HTMLButtonElement>('join-room').disabled).toBe(true);
      byTestId<HTMLFormElement>('join-room').closest('form')!.requestSubmit();
      expect(onjoin).not.toHaveBeenCalled();
    });

    it('cannot be pressed twice while a request is on its way', () => {
      const { oncreate, byTestId } = render({ busy: true });
      byTestId<HTMLButtonElement>('create-room').click();
      expect(oncreate).not.toHaveBeenCalled();
    });
  });
});
