import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FullIntraRequest } from '../../../src/proto/rtcp/fir';
import { PictureLossIndication } from '../../../src/proto/rtcp/pli';
import {
	KEY_FRAME_RETRY_TIMEOUT_MS,
	KeyFrameRequestManager,
	SENDER_KEY_FRAME_INTERVAL_MS,
	buildKeyFrameRequestPacket,
	keyFrameRequestKind,
} from '../../../src/worker/feedback/KeyFrameRequestManager';

test('PLI or FIR from the codec rtcpFeedback (PLI preferred, as mediasoup)', () => {
	assert.equal(keyFrameRequestKind([{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }]), 'pli');
	assert.equal(keyFrameRequestKind([{ type: 'ccm', parameter: 'fir' }, { type: 'goog-remb' }]), 'fir');
	assert.equal(keyFrameRequestKind([{ type: 'nack' }, { type: 'transport-cc' }]), null);
	const m = new KeyFrameRequestManager();
	m.addStream(1, null);
	assert.equal(m.request(1, 0), undefined, 'no way to ask');
	assert.equal(m.request(99, 0), undefined, 'unknown SSRC');
});

test('no delay: one request while pending, retried once on timeout if asked again', () => {
	const m = new KeyFrameRequestManager();
	m.addStream(1111, 'pli');
	assert.deepEqual(m.request(1111, 0), { ssrc: 1111, kind: 'pli', firSequenceNumber: 0 });
	assert.equal(m.request(1111, 10), undefined, 'pending: coalesced');
	assert.deepEqual(m.onTimer(KEY_FRAME_RETRY_TIMEOUT_MS - 1), []);
	assert.deepEqual(m.onTimer(KEY_FRAME_RETRY_TIMEOUT_MS).map((r) => r.kind), ['pli'], 'no key frame in time: retry');
	assert.deepEqual(m.onTimer(2 * KEY_FRAME_RETRY_TIMEOUT_MS), [], 'only one retry');
	assert.equal(m.hasPending, false);
	assert.equal(m.getCounts(1111).pliCount, 2);
});

test('a key frame clears the pending request', () => {
	const m = new KeyFrameRequestManager();
	m.addStream(1, 'pli');
	m.request(1, 0);
	m.request(1, 10);
	m.onKeyFrame(1, 100);
	assert.deepEqual(m.onTimer(5000), [], 'no retry after the key frame came');
	assert.ok(m.request(1, 5001), 'next ask goes out at once');
});

test('an unanswered request that nobody asked again is dropped at timeout', () => {
	const m = new KeyFrameRequestManager();
	m.addStream(1, 'pli');
	m.request(1, 0);
	assert.deepEqual(m.onTimer(1000), []);
	assert.equal(m.hasPending, false);
});

test('FIR: command sequence number +1 per request sent (RFC 5104 4.3.1.2), wraps at 256', () => {
	const m = new KeyFrameRequestManager();
	m.addStream(0xdeadbeef, 'fir');
	const seqs: number[] = [];
	for (let i = 0; i < 257; i++) {
		const r = m.request(0xdeadbeef, i * 2000)!;
		assert.equal(r.kind, 'fir');
		seqs.push(r.firSequenceNumber);
		m.onKeyFrame(0xdeadbeef, i * 2000 + 1);
	}
	assert.deepEqual(seqs.slice(0, 3), [1, 2, 3]);
	assert.equal(seqs[254], 255);
	assert.equal(seqs[255], 0);
	assert.equal(m.getCounts(0xdeadbeef).firCount, 257);
	const fir = buildKeyFrameRequestPacket({ ssrc: 0xdeadbeef, kind: 'fir', firSequenceNumber: 7 }, 5) as FullIntraRequest;
	const parsed = FullIntraRequest.parse(fir.serialize())!;
	assert.equal(parsed.mediaSsrc, 0, 'RFC 5104: media source SSRC 0');
	assert.deepEqual(parsed.entries, [{ ssrc: 0xdeadbeef, sequenceNumber: 7 }]);
	const pli = buildKeyFrameRequestPacket({ ssrc: 42, kind: 'pli', firSequenceNumber: 0 }) as PictureLossIndication;
	assert.deepEqual([pli.senderSsrc, pli.mediaSsrc], [42, 42]);
	assert.equal(PictureLossIndication.parse(pli.serialize())!.mediaSsrc, 42);
});

test('keyFrameRequestDelay: asks within the delay coalesce into one request when it ends', () => {
	const m = new KeyFrameRequestManager({ keyFrameRequestDelay: 500 });
	m.addStream(7, 'pli');
	assert.ok(m.request(7, 0));
	m.onKeyFrame(7, 50);
	for (let t = 100; t < 500; t += 50) assert.equal(m.request(7, t), undefined, `t=${t}`);
	assert.equal(m.nextDueMs, 500);
	assert.deepEqual(m.onTimer(499), []);
	const out = m.onTimer(500);
	assert.equal(out.length, 1, 'eight asks, one PLI');
	assert.equal(m.getCounts(7).pliCount, 2);
	// The delayed request started a new delay window.
	m.onKeyFrame(7, 600);
	assert.equal(m.request(7, 700), undefined);
	assert.equal(m.onTimer(1000).length, 1);
});

test('keyFrameRequestDelay: no ask during the delay means nothing at its end', () => {
	const m = new KeyFrameRequestManager({ keyFrameRequestDelay: 1000 });
	m.addStream(7, 'pli');
	m.request(7, 0);
	m.onKeyFrame(7, 10);
	assert.deepEqual(m.onTimer(1000), []);
	assert.equal(m.hasPending, false);
	assert.ok(m.request(7, 1001), 'after the delay a request goes out at once');
});

test('forceRequest sends even while pending, and makes the timeout retry', () => {
	const m = new KeyFrameRequestManager({ keyFrameRequestDelay: 300 });
	m.addStream(3, 'fir');
	assert.equal(m.request(3, 0)!.firSequenceNumber, 1);
	assert.equal(m.forceRequest(3, 10)!.firSequenceNumber, 2);
	assert.equal(m.request(3, 20), undefined, 'inside the restarted delay');
	const out = m.onTimer(1010);
	assert.deepEqual(out.map((r) => r.firSequenceNumber), [3], 'one request: the delayed ask is the retry');
	m.addStream(3, 'pli');
	m.onKeyFrame(3, 1100);
	assert.equal(m.request(3, 2000)!.kind, 'pli', 'kind can be changed');
	m.removeStream(3);
	assert.equal(m.hasPending, false);
});

test('untilKeyFrame (a simulcast switch waiting): an ignored request is retried at every timeout until the key frame comes', () => {
	// Chromium drops a PLI within 300 ms of the previous key frame request (any SSRC): after a
	// fast climb to layer 2 the PLI for layer 0 was ignored, nobody asked again and the switch
	// down never happened.
	const m = new KeyFrameRequestManager();
	m.addStream(1, 'pli');
	m.addStream(2, 'pli');
	assert.ok(m.request(2, 0), 'the layer 2 request');
	m.onKeyFrame(2, 40);
	assert.ok(m.request(1, 250, true), 'the layer 0 request (ignored by the sender)');
	// Within the sender's 300 ms window of the layer 2 request: asked again right after it.
	assert.deepEqual(m.onTimer(349), []);
	assert.deepEqual(m.onTimer(350).map((r) => r.ssrc), [1], 'retried without a second ask');
	// Not honoured either (say it was lost): then at every timeout.
	assert.deepEqual(m.onTimer(350 + KEY_FRAME_RETRY_TIMEOUT_MS - 1), []);
	assert.deepEqual(m.onTimer(350 + KEY_FRAME_RETRY_TIMEOUT_MS).map((r) => r.ssrc), [1], 'and again');
	assert.deepEqual(m.onTimer(350 + 2 * KEY_FRAME_RETRY_TIMEOUT_MS).map((r) => r.ssrc), [1], 'and again');
	assert.equal(m.hasPending, true);
	m.onKeyFrame(1, 2400);
	assert.deepEqual(m.onTimer(350 + 3 * KEY_FRAME_RETRY_TIMEOUT_MS), [], 'the key frame ends the retries');
	assert.equal(m.hasPending, false);
	// A later plain request is dropped at timeout again.
	assert.ok(m.request(1, 5000));
	assert.deepEqual(m.onTimer(5000 + KEY_FRAME_RETRY_TIMEOUT_MS), []);
	assert.equal(m.getCounts(1).pliCount, 5);
});

test('a request within 300 ms of one for another SSRC is sent again after that window (libwebrtc drops it)', () => {
	const m = new KeyFrameRequestManager();
	m.addStream(1, 'pli');
	m.addStream(2, 'pli');
	assert.ok(m.request(2, 0, true), 'layer 2 (a switch 2 -> 1 waits for it)');
	assert.ok(m.request(1, 100, true), 'layer 1, 100 ms later: the sender ignores it');
	assert.equal(m.nextDueMs, SENDER_KEY_FRAME_INTERVAL_MS + 50);
	assert.deepEqual(m.onTimer(349), []);
	assert.deepEqual(
		m.onTimer(350).map((r) => r.ssrc),
		[1],
		'asked again once the window is over, not after the 1 s timeout',
	);
	m.onKeyFrame(1, 400);
	assert.equal(m.getCounts(1).pliCount, 2);
});

test('an early retry also for a plain request, once; none when the key frame came; also for the same SSRC asked again within the window', () => {
	const m = new KeyFrameRequestManager();
	m.addStream(1, 'pli');
	m.addStream(2, 'pli');
	m.request(2, 0);
	m.request(1, 200);
	assert.deepEqual(m.onTimer(350).map((r) => r.ssrc), [1]);
	assert.deepEqual(m.onTimer(350 + KEY_FRAME_RETRY_TIMEOUT_MS), [], 'one retry only');
	m.onKeyFrame(2, 2000);

	const k = new KeyFrameRequestManager();
	k.addStream(1, 'pli');
	k.addStream(2, 'pli');
	k.request(2, 0);
	k.request(1, 100);
	k.onKeyFrame(1, 300); // the sender honoured it after all
	assert.deepEqual(k.onTimer(350), []);

	const s = new KeyFrameRequestManager();
	s.addStream(1, 'pli');
	s.addStream(2, 'pli');
	s.request(1, 0);
	s.onKeyFrame(1, 50);
	// The same SSRC: its key frame came, another consumer asks 100 ms after the first request,
	// which libwebrtc drops (one request per 300 ms): asked again once the window is over.
	s.request(1, 100);
	assert.deepEqual(s.onTimer(349), []);
	assert.deepEqual(s.onTimer(350).map((r) => r.ssrc), [1]);
	s.onKeyFrame(1, 400);
	assert.deepEqual(s.onTimer(350 + KEY_FRAME_RETRY_TIMEOUT_MS), [], 'the key frame came: nothing more');
	s.request(2, 700); // 600 ms after the last request: outside the window
	assert.equal(s.nextDueMs, 700 + KEY_FRAME_RETRY_TIMEOUT_MS);
});
