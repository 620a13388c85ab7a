/**
 * Consumer header extension tables (router id -> consumer id): one shared table per distinct set
 * of ids, the mapping the same as one table per consumer.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { consumerExtensionMap, ROUTER_EXT_ID, TRANSPORT_CC_URI, ABS_SEND_TIME_URI, MID_URI } from '../../../src/worker/engine/rtpHeaderExtensions';

test('consumer extension tables: one per set of ids, mapping unchanged', () => {
	const ext = (uri: string, id: number): { uri: string; id: number } => ({ uri, id });
	const a = consumerExtensionMap([ext(MID_URI, 1), ext(ABS_SEND_TIME_URI, 2), ext(TRANSPORT_CC_URI, 3)]);
	// Same ids for the forwarded extensions, another MID id: the same table.
	const b = consumerExtensionMap([ext(TRANSPORT_CC_URI, 3), ext(ABS_SEND_TIME_URI, 2), ext(MID_URI, 9)]);
	const c = consumerExtensionMap([ext(ABS_SEND_TIME_URI, 2)]);

	assert.equal(a.table, b.table);
	assert.notEqual(a.table, c.table);
	assert.equal(a.mid, 1);
	assert.equal(b.mid, 9);
	assert.equal(a.identity, false);
	assert.equal(a.table[ROUTER_EXT_ID[ABS_SEND_TIME_URI]!], 2);
	assert.equal(a.table[ROUTER_EXT_ID[TRANSPORT_CC_URI]!], 3);
	assert.equal(c.table[ROUTER_EXT_ID[TRANSPORT_CC_URI]!], 0, 'not negotiated: dropped');
	assert.equal(a.table.reduce((n, id) => n + (id !== 0 ? 1 : 0), 0), 2, 'nothing else mapped');

	// The router's own ids for every forwarded extension: identity.
	const all = consumerExtensionMap(Object.entries(ROUTER_EXT_ID).map(([uri, id]) => ext(uri, id)));

	assert.equal(all.identity, true);
	assert.equal(all.mid, 0);

	// Many different sets (an application handing out ids at random) stay correct past the cache.
	for (let id = 1; id <= 100; id++) {
		const map = consumerExtensionMap([ext(TRANSPORT_CC_URI, id)]);

		assert.equal(map.table[ROUTER_EXT_ID[TRANSPORT_CC_URI]!], id);
		assert.equal(map.table[ROUTER_EXT_ID[ABS_SEND_TIME_URI]!], 0);
	}
});
