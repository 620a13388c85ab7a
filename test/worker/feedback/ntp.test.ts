import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compactNtp, compactNtpFromMs, msFromNtp, msToQ16, ntpFractionFromMs, ntpSecondsFromMs, q16ToMs } from '../../../src/worker/feedback/ntp';
import { RFC3550_EXAMPLE_MS } from './helpers';

test('NTP from epoch ms: RFC 3550 6.4.1 example instant is 0xb44db705.20000000', () => {
	assert.equal(ntpSecondsFromMs(RFC3550_EXAMPLE_MS), 0xb44db705);
	assert.equal(ntpFractionFromMs(RFC3550_EXAMPLE_MS), 0x20000000);
	// "the middle 32 bits" (LSR form): 0xb705:2000.
	assert.equal(compactNtpFromMs(RFC3550_EXAMPLE_MS), 0xb7052000);
	assert.equal(compactNtp(0xb44db705, 0x20000000), 0xb7052000);
	assert.equal(msFromNtp(0xb44db705, 0x20000000), RFC3550_EXAMPLE_MS);
});

test('NTP: Unix epoch is 2208988800 s after the NTP epoch; fractions are 2^-32 s', () => {
	assert.equal(ntpSecondsFromMs(0), 2208988800);
	assert.equal(ntpFractionFromMs(500), 0x80000000);
	assert.equal(ntpFractionFromMs(250), 0x40000000);
	// NTP era 0 ends in 2036: seconds wrap to 32 bits.
	assert.equal(ntpSecondsFromMs((2 ** 32 - 2208988800) * 1000), 0);
});

test('DLSR units: 1/65536 s (RFC 3550 6.4.1: 5.25 s is 0x0005:4000)', () => {
	assert.equal(msToQ16(5250), 0x00054000);
	assert.equal(q16ToMs(0x00062000), 6125);
	assert.equal(msToQ16(-5), 0);
	assert.equal(msToQ16(0), 0);
});
