/**
 * The PeerJS signaling server (npm `peer` v1), as a user would run it: `PeerServer` with its
 * defaults, except the concurrent-client cap (5,000 by default) raised above the memory
 * series' client count, and bound to loopback on an ephemeral port.
 */
import type { AddressInfo } from 'node:net';
import { PeerServer } from 'peer';
import { serveControl } from './control.ts';

PeerServer({ host: '127.0.0.1', port: 0, path: '/', key: 'peerjs', concurrent_limit: 1_000_000 }, (server) => {
  serveControl({
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
});
