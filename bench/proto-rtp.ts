// RTP hot path: parse a 1,200-byte video packet with 4 header extensions (mid, abs-send-time,
// transport-cc, video-orientation) and rewrite it for a consumer. Run alone:
// node dist/bench/proto-rtp.js
import {
	getAbsSendTime,
	getTransportSequenceNumber,
	RtpPacket,
	rtxEncapsulateInto,
	setTransportSequenceNumber,
} from '../src/proto/rtp';

const PACKETS = 64;
const sources: Buffer[] = [];
for (let i = 0; i < PACKETS; i++) {
	const payload = Buffer.alloc(1200 - 12 - 16);
	for (let k = 0; k < payload.length; k++) payload[k] = (k * 31 + i) & 0xff;
	const p = RtpPacket.create({
		payloadType: 96,
		sequenceNumber: 1000 + i,
		timestamp: 90000 * i,
		ssrc: 0x11223344,
		marker: (i & 7) === 7,
		extensions: [
			{ id: 4, value: Buffer.from('0') }, // mid
			{ id: 2, value: Buffer.from([1, 2, 3]) }, // abs-send-time
			{ id: 3, value: Buffer.from([0, i]) }, // transport-cc
			{ id: 13, value: Buffer.from([1]) }, // video-orientation
		],
		payload,
	});
	sources.push(Buffer.from(p.serialize()));
}
if (sources[0].length !== 1200) throw new Error(`packet is ${sources[0].length} bytes`);

// Per-consumer work buffers (each packet copied once per consumer, as the engine must when
// one producer packet fans out).
const work: Buffer[] = sources.map((s) => Buffer.alloc(s.length + 64));

// Producer ids -> consumer ids: all kept, renumbered (in place).
const keepAll = new Uint8Array(256);
keepAll[4] = 1;
keepAll[2] = 5;
keepAll[3] = 6;
keepAll[13] = 12;
// One not negotiated by the consumer (dropped in place).
const dropOne = new Uint8Array(256);
dropOne[4] = 1;
dropOne[2] = 5;
dropOne[3] = 6;
// Consumer negotiated a two-byte id (block rebuilt, payload moved).
const twoByte = new Uint8Array(256);
twoByte[4] = 1;
twoByte[2] = 5;
twoByte[3] = 20;
twoByte[13] = 12;

const p = new RtpPacket();
const out = new RtpPacket();
const rtxTarget = Buffer.alloc(1300);
let seq = 0;
let sink = 0;

function rewrite(pkt: RtpPacket, table: Uint8Array): void {
	pkt.ssrc = 0xcafebabe;
	pkt.payloadType = 101;
	pkt.sequenceNumber = seq++;
	pkt.timestamp = pkt.timestamp + 12345;
	pkt.remapExtensionIds(table);
}

function measure(name: string, iterations: number, fn: (i: number) => void): void {
	for (let i = 0; i < iterations / 10; i++) fn(i);
	const start = process.hrtime.bigint();
	for (let i = 0; i < iterations; i++) fn(i);
	const ns = Number(process.hrtime.bigint() - start) / iterations;
	console.log(
		`${name.padEnd(58)} ${ns.toFixed(0).padStart(6)} ns/op ${Math.round(1e9 / ns).toLocaleString('en-US').padStart(12)} ops/s`,
	);
}

const N = 2_000_000;
measure('parse (reused object)', N, (i) => {
	p.parse(sources[i & (PACKETS - 1)]);
	sink += p.payloadLength;
});
measure('parse + read abs-send-time and transport-cc', N, (i) => {
	p.parse(sources[i & (PACKETS - 1)]);
	sink += getAbsSendTime(p, 2)! + getTransportSequenceNumber(p, 3)!;
});
measure('copy 1,200 bytes (baseline for the rows below)', N, (i) => {
	const k = i & (PACKETS - 1);
	sources[k].copy(work[k]);
});
measure('copy + parse + rewrite ssrc/pt/seq/ts + remap 4 ids', N, (i) => {
	const k = i & (PACKETS - 1);
	const n = sources[k].copy(work[k]);
	p.parse(work[k], n);
	rewrite(p, keepAll);
	sink += p.length;
});
measure('copy + parse + rewrite + remap, one id dropped', N, (i) => {
	const k = i & (PACKETS - 1);
	const n = sources[k].copy(work[k]);
	p.parse(work[k], n);
	rewrite(p, dropOne);
	sink += p.length;
});
measure('copy + parse + rewrite + set transport-cc seq', N, (i) => {
	const k = i & (PACKETS - 1);
	const n = sources[k].copy(work[k]);
	p.parse(work[k], n);
	rewrite(p, keepAll);
	setTransportSequenceNumber(p, 6, seq);
	sink += p.length;
});
measure('copy + parse + rewrite + remap to two-byte (rebuild)', N / 4, (i) => {
	const k = i & (PACKETS - 1);
	const n = sources[k].copy(work[k]);
	p.parse(work[k], n);
	rewrite(p, twoByte);
	sink += p.length;
});
measure('parse + clone (1 allocation) + rewrite + remap 4 ids', N / 4, (i) => {
	p.parse(sources[i & (PACKETS - 1)]);
	const c = p.clone();
	rewrite(c, keepAll);
	sink += c.length;
});
measure('parse + RTX encapsulate into a scratch buffer', N, (i) => {
	p.parse(sources[i & (PACKETS - 1)]);
	rtxEncapsulateInto(p, out, 0x0badf00d, 97, seq++, rtxTarget);
	sink += out.length;
});
if (sink === 0.5) console.log(sink);
