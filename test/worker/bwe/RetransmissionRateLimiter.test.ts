// The retransmission budget (libwebrtc's RtpTransportControllerSend retransmission RateLimiter:
// resent bytes over the last 500 ms within the target rate).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RETRANSMISSION_WINDOW_MS, RetransmissionRateLimiter } from '../../../src/worker/bwe/RetransmissionRateLimiter';

describe('RetransmissionRateLimiter', () => {
	it('resends up to the estimate over 500 ms, then refuses until the window moves on', () => {
		const l = new RetransmissionRateLimiter();
		// 200 kbps over 500 ms = 12500 bytes: twelve 1000-byte resends, not thirteen.
		let sent = 0;
		for (let i = 0; i < 20; i++) if (l.tryUse(1000, 200000, 1000 + i)) sent++;
		assert.equal(sent, 12);
		assert.equal(l.refused, 8);
		// A smaller one still fits the 500 bytes left.
		assert.equal(l.tryUse(500, 200000, 1100), true);
		assert.equal(l.tryUse(1, 200000, 1100), false);
		// Once the first resends leave the window, room again.
		assert.equal(l.tryUse(1000, 200000, 1000 + RETRANSMISSION_WINDOW_MS + 50), true);
	});

	it('follows the estimate: a squeeze shrinks the budget at once, a higher estimate widens it', () => {
		const l = new RetransmissionRateLimiter();
		assert.equal(l.tryUse(5000, 1000000, 0), true);
		// The estimate fell to 100 kbps: 6250 bytes per window, 5000 already used.
		assert.equal(l.tryUse(1200, 100000, 10), true);
		assert.equal(l.tryUse(1200, 100000, 20), false);
		assert.equal(l.tryUse(1200, 1000000, 30), true);
	});

	it('the Chromium squeeze: ~1 Mbps of NACKed resends behind a 250 kbps link is cut to the estimate', () => {
		const l = new RetransmissionRateLimiter();
		let bytes = 0;
		// 1 s of 1000-byte resends asked every 8 ms (1 Mbps) while the estimate is 200 kbps.
		for (let t = 0; t < 1000; t += 8) if (l.tryUse(1000, 200000, t)) bytes += 1000;
		assert.ok(bytes * 8 <= 200000 * 1.1 && bytes * 8 >= 200000 * 0.8, `${bytes * 8} bits resent`);
	});
});
