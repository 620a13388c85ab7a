import { test } from 'node:test';
import assert from 'node:assert/strict';

import { parseScalabilityMode } from '../../src/ortc';

// Mode names from W3C webrtc-svc section 4 ("Scalability modes"): L/S, spatial
// layer count, T, temporal layer count, optional _KEY (K-SVC) and suffixes.
test('parseScalabilityMode() reads layered, simulcast and K-SVC modes', () => {
	assert.deepEqual(parseScalabilityMode('L1T3'), { spatialLayers: 1, temporalLayers: 3, ksvc: false });
	assert.deepEqual(parseScalabilityMode('L3T2_KEY'), { spatialLayers: 3, temporalLayers: 2, ksvc: true });
	assert.deepEqual(parseScalabilityMode('S2T3'), { spatialLayers: 2, temporalLayers: 3, ksvc: false });
	assert.deepEqual(parseScalabilityMode('L20T3'), { spatialLayers: 20, temporalLayers: 3, ksvc: false });
	assert.deepEqual(parseScalabilityMode('S99T99'), { spatialLayers: 99, temporalLayers: 99, ksvc: false });
});

test('parseScalabilityMode() accepts a matching prefix with any suffix', () => {
	// 'L4T7_KEY_SHIFT' is a real webrtc-svc mode; the parser only needs the prefix.
	assert.deepEqual(parseScalabilityMode('L4T7_KEY_SHIFT'), { spatialLayers: 4, temporalLayers: 7, ksvc: true });
	assert.deepEqual(parseScalabilityMode('L2T2h'), { spatialLayers: 2, temporalLayers: 2, ksvc: false });
	// Prefix semantics also mean a third digit is ignored rather than rejected.
	assert.deepEqual(parseScalabilityMode('L1T100'), { spatialLayers: 1, temporalLayers: 10, ksvc: false });
});

test('parseScalabilityMode() falls back to one layer each for anything else', () => {
	const fallback = { spatialLayers: 1, temporalLayers: 1, ksvc: false };

	for (const mode of [undefined, '', 'foo', 'S0T3', 'S1T0', 'S200T3', 'l1t3', ' L1T3', 'T3', 'L1']) {
		assert.deepEqual(parseScalabilityMode(mode), fallback, String(mode));
	}

	// Not a string at all (JavaScript callers).
	assert.deepEqual(parseScalabilityMode(42 as unknown as string), fallback);
});

test('parseScalabilityMode() returns a new object each time', () => {
	const a = parseScalabilityMode('foo');

	a.spatialLayers = 5;
	assert.equal(parseScalabilityMode('foo').spatialLayers, 1);
});
