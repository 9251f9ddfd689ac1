import wrtc from '@roamhq/wrtc';

/**
 * @roamhq/wrtc, for every test and benchmark that runs a real WebRTC stack in Node: import it
 * from here, never directly.
 *
 * A Node process that ends by running out of work tears its environment down and finalizes the
 * native objects still there. node-webrtc's are finalized in an order that can free a track
 * before the receiver that holds it (the core dump: RTCRtpReceiver's finalizer, then
 * napi_reference_unref on freed memory), and the process dies of SIGSEGV or SIGABRT after
 * everything passed: 28 of 30 runs of a three-person Node call, and now and then a vitest
 * worker ("Worker exited unexpectedly"). process.exit() skips that teardown, so a process that
 * loaded the stack leaves that way, with the exit code it had.
 */
process.once('beforeExit', (code) => process.exit(code));

export default wrtc;
