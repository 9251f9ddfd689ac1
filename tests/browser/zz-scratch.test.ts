import { describe, it } from 'vitest';
import { useCallSuite } from './call-suite.ts';
import { createRoom, waitUntilConnected } from './person.ts';

const suite = useCallSuite();
const phone = { width: 390, height: 844 };
describe('x', () => {
  it('tour', async () => {
    const lobby = await suite.person({ viewport: phone });
    await lobby.page.screenshot({ path: '/tmp/r/shots/t-lobby-phone.png' });
    const alice = await suite.person();
    const link = await createRoom(alice, 4);
    const pre = await suite.person({ url: link, enter: false, viewport: phone });
    await pre.page.getByTestId('join-call').waitFor();
    await new Promise((r) => setTimeout(r, 1000));
    await pre.page.screenshot({ path: '/tmp/r/shots/t-prejoin-phone.png' });
    await pre.page.getByTestId('join-call').click();
    const carol = await suite.person({ url: link, media: false });
    const dave = await suite.person({ url: link, viewport: { width: 1024, height: 768 } });
    await waitUntilConnected(alice.page, 3);
    await waitUntilConnected(pre.page, 3);
    await new Promise((r) => setTimeout(r, 2500));
    await alice.page.screenshot({ path: '/tmp/r/shots/t-group-alice.png' });
    await pre.page.screenshot({ path: '/tmp/r/shots/t-group-phone.png' });
    await carol.page.screenshot({ path: '/tmp/r/shots/t-group-nomedia.png' });
    await dave.page.screenshot({ path: '/tmp/r/shots/t-group-tablet.png' });
    const unknown = await suite.person({ url: link.replace(/r\/.*/, 'r/00000000-0000-4000-8000-000000000000'), viewport: phone });
    await new Promise((r) => setTimeout(r, 1500));
    await unknown.page.screenshot({ path: '/tmp/r/shots/t-unknown-phone.png' });
    await pre.page.getByTestId('hang-up').click();
    await new Promise((r) => setTimeout(r, 1000));
    await pre.page.screenshot({ path: '/tmp/r/shots/t-ended-phone.png' });
    await alice.page.screenshot({ path: '/tmp/r/shots/t-after-leave.png' });
  }, 120_000);
});
