import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getRepairedRid, getRid, setRepairedRid, setRid } from '../../../src/proto/rtp';
import { bare, HDR, hex } from './helpers';

test('RFC 8852 §3: rid and repaired-rid are the text itself', () => {
	const p = bare();
	setRid(p, 10, 'hi');
	setRepairedRid(p, 11, 'lo');
	assert.deepEqual(p.serialize(), hex(`${HDR} bede0002 a1 6869 b1 6c6f 0000 abcd`));
	assert.equal(getRid(p, 10), 'hi');
	assert.equal(getRepairedRid(p, 11), 'lo');
	assert.equal(getRid(p, 12), undefined);
});
