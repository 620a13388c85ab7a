import type { RtpPacket } from '../../../proto/rtp/rtpPacket';
import {
	Av1DependencyDescriptorParser,
	createAv1DependencyDescriptor,
	DTI_DISCARDABLE,
	DTI_NOT_PRESENT,
	DTI_REQUIRED,
	DTI_SWITCH,
	type Av1TemplateStructure,
} from '../../../proto/codecs/av1-dependency-descriptor';
import { DEPENDENCY_DESCRIPTOR_URI, ROUTER_EXT_ID } from '../rtpHeaderExtensions';
import { isTimestampNewer } from './frameVerdicts';
import type { LayerContext, LayerContextParams, PacketEdit } from './types';

/** Frames remembered (by unwrapped frame number) for late packets and reference checks. */
const HISTORY = 1024;
const UNKNOWN = 0;
const DROPPED = 1;
const FORWARDED = 2;
/** Forwarded, and the receiver's last frame of its temporal unit: marker at its end. */
const FORWARDED_LAST = 3;
/** Not seen yet, but a forwarded frame references it: it passes when it comes, if decodable. */
const PROMISED = 4;
/** Dropped: it came when no structure could place it. */
const UNPLACED = 5;
/** Recent temporal units remembered (what each ends at for the receiver) for late frames. */
const UNITS = 16;

/**
 * Layer selection from the Dependency Descriptor header extension ("RTP Payload Format for
 * AV1", appendix A), whatever the codec: the descriptor describes frames, not the payload, and
 * libwebrtc writes it for every codec whose encoder fills its generic frame info (AV1, and H264
 * with temporal layers: mediasoup 3.19 reads H264 layers from it, PR 1517). `Av1LayerContext`
 * and `H264LayerContext` are this class.
 *
 * The descriptor names decode targets (DT: a spatial/temporal operating point of the stream)
 * and, per frame, its frame number, the frames it references (frame number minus each fdiff) and a decode target indication (DTI) per DT: not present (the DT does not
 * need the frame), discardable, switch (the DT can be decoded from this frame on, if the frame
 * itself is) or required. The structure holding the templates comes with key frames; this
 * context keeps the last one per stream (a parser of its own).
 *
 * The receiver is kept on one DT, the best one within the target layers (and within the
 * sender's active decode targets), and gets exactly the frames that DT needs:
 * - a frame is forwarded when the current DT needs it and the receiver can decode it: every
 *   frame it references was forwarded, or has not been seen yet (a late packet: it will be
 *   forwarded too, being needed by the same DT). A frame the DT does not need is dropped, as is
 *   one whose reference was dropped;
 * - a DT is "intact" while the receiver has every frame it needs: all intact after a key
 *   frame; a frame the DT requires (switch/required) that is not forwarded breaks it; a
 *   forwarded frame with a switch indication for it makes it intact again. The switch to the
 *   target DT happens as soon as it is intact: at once for a lower DT whose frames the receiver
 *   got anyway (full SVC spatial down, temporal down; temporal up when the frames it missed
 *   were discardable for the target), at the next frame of the current DT that is a switch
 *   frame for the target otherwise (libwebrtc's T0 frames are, for every temporal layer), at a
 *   target's own switch frame at its spatial layer when that one is decodable (K-SVC down at
 *   the first T0 after a key frame, which references the key picture only), else at a key frame
 *   (spatial up; K-SVC spatial changes: the other layer's delta frames were never forwarded).
 *   While the target waits, the receiver moves to the best intact DT within the target layers
 *   (e.g. down a temporal layer while a spatial layer up waits for its key frame), or else to
 *   the target's temporal layer on its current spatial layer (a K-SVC layer down waiting);
 * - a temporal unit (the frames of one RTP timestamp, spatial layer by layer) ends for the
 *   receiver at the highest spatial layer of its DT: the marker bit is set at the end of that
 *   frame (libwebrtc's frame buffer treats the marker as "last frame of the temporal unit").
 *   The DT changes only at a unit's first frame, or while nothing of the unit was forwarded, so
 *   that each unit the receiver gets has exactly one marker, on its last frame; a spatial layer
 *   up in the middle of a unit waits for the next one;
 * - frames decided out of order (reordered or repaired upstream) keep this: every packet of a
 *   frame gets its frame's verdict; a frame first seen after its unit's successor is decided
 *   against the DT and top layer its unit had; a frame a forwarded one references ("promised")
 *   passes when it comes.
 *
 * The descriptor goes to the receiver as it came (svc and pipe consumers; the router offers
 * it 'sendrecv', where mediasoup 3.19 has 'recvonly'): Chromium 156 cannot decode AV1 with more
 * than one spatial layer frame per temporal unit without it (test/svc-av1), and decodes it as it
 * came across every switch there: its receiver resolves references from frame_number - fdiff (the frames forwarded
 * only reference forwarded ones), reads the template structure from key frames, and keeps the
 * active decode targets bitmask without using it to decode (libwebrtc's sender is what acts on
 * it). So no edit of the descriptor (mediasoup writes the bitmask into every forwarded packet
 * since its PR 1610, after freezes under downlink loss with Chrome 141, then stopped forwarding
 * the descriptor to endpoints in PR 1632); the marker bit is the only edit.
 *
 * Packets without a descriptor (a sender that did not negotiate it): every packet passes and
 * the receiver gets every layer.
 *
 * Simulcast consumers (spatialLayers 1) use it within the producer stream they forward: each
 * stream has its own structure and frame numbering (libwebrtc may also number frames across
 * the streams, leaving gaps in each: nothing here needs consecutive numbers), so the consumer's
 * `sync()` at a switch forgets both and the context starts again at the new stream's key frame,
 * which carries its structure.
 */
export class DependencyDescriptorLayerContext implements LayerContext {
	readonly spatialLayers: number;
	readonly temporalLayers: number;
	readonly ksvc: boolean;
	targetSpatialLayer = -1;
	targetTemporalLayer = -1;
	/** What the receiver gets (what was last reported): kept across a structure change. */
	#currentSpatial = -1;
	#currentTemporal = -1;
	readonly #ddId: number;
	readonly #parser = new Av1DependencyDescriptorParser();
	readonly #desc = createAv1DependencyDescriptor();
	/** Decision per frame: keys = unwrapped frame numbers, verdicts = UNKNOWN, DROPPED, FORWARDED... */
	readonly #keys = new Float64Array(HISTORY).fill(-1);
	readonly #verdicts = new Uint8Array(HISTORY);
	/** Highest unwrapped frame number seen; -1 before the first. */
	#lastFrame = -1;
	/** The frame that brought the structure in force; -1: none (wait for a key frame). */
	#keyFrame = -1;
	/** The DT the receiver is on (index in the structure in force); -1: none. */
	#dt = -1;
	/**
	 * Per DT of the structure in force: the last frame (unwrapped number) that made it intact (a
	 * forwarded switch frame) and the last one that broke it (a frame it requires, dropped). The
	 * receiver has every frame the DT needs when the first is the later one: frames decided out
	 * of order (reordered upstream) count in frame order.
	 */
	readonly #restoredAt = new Float64Array(32).fill(-1);
	readonly #brokenAt = new Float64Array(32).fill(-1);
	#tuStarted = false;
	#tuTs = 0;
	/** Highest spatial layer the receiver gets of the current temporal unit. */
	#tuTop = -1;
	/** The next frame decided starts the current temporal unit. */
	#tuFirst = false;
	/** Highest spatial layer forwarded of the current temporal unit (-1: none yet). */
	#tuMaxSent = -1;
	/** Recent temporal units: RTP timestamp and the spatial layer each ends at for the receiver. */
	readonly #unitTs = new Float64Array(UNITS).fill(-1);
	readonly #unitTops = new Int8Array(UNITS);
	readonly #unitDts = new Int8Array(UNITS);
	#unitHead = 0;
	#unitCount = 0;
	/** Packets carry no descriptor: everything passes. */
	#passThrough = false;

	constructor(params: LayerContextParams) {
		this.spatialLayers = Math.max(1, Math.min(4, params.spatialLayers));
		this.temporalLayers = Math.max(1, Math.min(8, params.temporalLayers));
		this.ksvc = params.ksvc && this.spatialLayers > 1;
		this.#ddId = params.dependencyDescriptorId ?? ROUTER_EXT_ID[DEPENDENCY_DESCRIPTOR_URI] ?? 0;
	}

	get currentSpatialLayer(): number {
		return this.#currentSpatial;
	}

	get currentTemporalLayer(): number {
		return this.#currentTemporal;
	}

	get keyFrameNeeded(): boolean {
		if (this.targetSpatialLayer < 0 || this.#passThrough) {
			return false;
		}

		const s = this.#parser.structure;

		if (s === undefined || this.#keyFrame < 0 || this.#dt < 0) {
			return true;
		}

		const target = this.#chooseDt(s);

		if (target === this.#dt) {
			// A frame the receiver needed did not come (lost upstream): only a key frame mends it.
			return !this.#isIntact(this.#dt);
		}

		const from = s.decodeTargetSpatialIds[this.#dt];
		const to = s.decodeTargetSpatialIds[target];

		return !this.#isIntact(target) && (to > from || (this.ksvc && to !== from));
	}

	sync(): void {
		this.#parser.reset();
		this.#keys.fill(-1);
		this.#verdicts.fill(UNKNOWN);
		this.#lastFrame = -1;
		this.#keyFrame = -1;
		this.#dt = -1;
		this.#clearIntact();
		this.#tuStarted = false;
		this.#unitCount = 0;
		this.#passThrough = false;
	}

	reset(): void {
		this.sync();
		this.#currentSpatial = -1;
		this.#currentTemporal = -1;
	}

	process(packet: RtpPacket, _isKeyFrame: boolean, edit: PacketEdit): boolean {
		if (this.targetSpatialLayer < 0 || this.targetTemporalLayer < 0) {
			return false;
		}

		const k = this.#ddId > 0 ? packet.findExtension(this.#ddId) : -1;

		if (k < 0) {
			if (this.#parser.structure !== undefined) {
				// A stream with descriptors: a packet without one cannot be placed.
				return false;
			}
			this.#passThrough = true;
			this.#currentSpatial = this.spatialLayers - 1;
			this.#currentTemporal = this.temporalLayers - 1;

			return true;
		}
		this.#passThrough = false;

		const buf = packet.buffer;
		const offset = packet.extensionOffsetAt(k);
		const length = packet.extensionLengthAt(k);

		if (length < 3) {
			return false;
		}

		const frame = this.#unwrap((buf[offset + 1]! << 8) | buf[offset + 2]!);
		// template_dependency_structure_present_flag.
		const attached = length > 3 && (buf[offset + 3]! & 0x80) !== 0;

		// A structure older than the one in force (a late repair of an old key frame) must not
		// replace it; frames before the key frame are over anyway.
		if ((frame < this.#keyFrame && this.#verdictOf(frame) !== PROMISED) || (attached && frame <= this.#keyFrame)) {
			return this.#replay(frame, (buf[offset]! & 0x40) !== 0, edit);
		}

		const d = this.#parser.parse(buf, this.#desc, offset, length);
		const decided = this.#verdictOf(frame);

		if (d === undefined || !d.dependencyKnown) {
			// Malformed, or a template of a structure not known (yet): the frame cannot be placed.
			// Its other packets get the same verdict, even if the structure comes with one of
			// them: a frame is forwarded whole or not at all.
			if (decided === UNKNOWN || decided === PROMISED) {
				this.#setVerdict(frame, UNPLACED);
			}

			return this.#replay(frame, (buf[offset]! & 0x40) !== 0, edit);
		}

		const key = d.isKeyFrame;

		if (decided !== UNKNOWN && decided !== PROMISED) {
			if (key) {
				// The structure packet of a key frame came after others of it (reordered upstream),
				// which were placed with the structure then in force (libwebrtc sends the same
				// one again unless the stream's layers changed): from it the new one is in force.
				this.#keyFrame = frame;
				if (
					(decided !== FORWARDED && decided !== FORWARDED_LAST) ||
					this.#dt >= this.#parser.structure!.decodeTargetCount
				) {
					// The receiver did not get it, or the decode targets changed: wait for another.
					this.#clearIntact();
					this.#dt = -1;
				}
			}

			return this.#replay(frame, d.endOfFrame, edit);
		}
		if (key) {
			this.#keyFrame = frame;
			this.#clearIntact(frame);
			// A unit started by frames of it decided before its key frame (reordered upstream)
			// stays on the DT it started with; the switch waits for the next unit.
			if (!this.#tuStarted || packet.timestamp !== this.#tuTs || this.#dt >= this.#parser.structure!.decodeTargetCount) {
				this.#dt = -1;
			}
			if (this.#unplacedAfter(frame)) {
				// Frames of its unit came before the structure and could not be placed (dropped): the
				// receiver could not decode the unit as a whole; wait for another key frame.
				this.#setVerdict(frame, DROPPED);

				return false;
			}
		} else if (this.#keyFrame < 0) {
			// Started (or restarted) without the structure's key frame: wait for one.
			this.#setVerdict(frame, DROPPED);

			return false;
		}

		const verdict = this.#decide(frame, packet.timestamp, key, decided === PROMISED);

		this.#setVerdict(frame, verdict);

		return this.#replay(frame, d.endOfFrame, edit);
	}

	/**
	 * A key frame of an older temporal unit (all its packets late), just decided: the receiver
	 * starts over from it if it got it.
	 */
	#lateKeyFrame(forwarded: boolean): void {
		const s = this.#parser.structure!;

		if (!forwarded) {
			return;
		}
		for (let dt = 0; dt < s.decodeTargetCount; dt++) {
			if (this.#desc.dtis[dt] === DTI_SWITCH) {
				this.#restoredAt[dt] = Math.max(this.#restoredAt[dt], this.#keyFrame);
			}
		}

		const target = this.#chooseDt(s);
		const to = this.#isIntact(target) ? target : this.#bestDt(s, true);

		if (to >= 0) {
			this.#dt = to;
			this.#currentSpatial = s.decodeTargetSpatialIds[to];
			this.#currentTemporal = s.decodeTargetTemporalIds[to];
		}
	}

	/** The verdict of a decided frame, for one of its packets. */
	#replay(frame: number, endOfFrame: boolean, edit: PacketEdit): boolean {
		const v = this.#verdictOf(frame);

		if (v === FORWARDED_LAST && endOfFrame) {
			edit.marker = true;
		}

		return v === FORWARDED || v === FORWARDED_LAST;
	}

	/**
	 * A new frame (its descriptor is in #desc): DROPPED, FORWARDED or FORWARDED_LAST. `promised`:
	 * a forwarded frame references it (it came late): it passes if the receiver can decode it.
	 */
	#decide(frame: number, ts: number, key: boolean, promised: boolean): number {
		const s = this.#parser.structure!;
		const d = this.#desc;
		const dtis = d.dtis;
		const spatial = d.spatialId;

		if (this.#tuStarted && ts !== this.#tuTs && !isTimestampNewer(ts, this.#tuTs)) {
			const verdict = this.#decideLate(frame, ts, key, promised);

			if (key) {
				this.#lateKeyFrame(verdict !== DROPPED);
			}

			return verdict;
		}
		if (!this.#tuStarted || ts !== this.#tuTs) {
			this.#tuStarted = true;
			this.#tuTs = ts;
			this.#tuFirst = true;
			this.#tuMaxSent = -1;
		}

		const target = this.#chooseDt(s);

		if (this.#tuFirst) {
			this.#tuTop = this.#dt >= 0 ? s.decodeTargetSpatialIds[this.#dt] : s.decodeTargetSpatialIds[target];
		}
		// Switches only while nothing of the unit was forwarded: the receiver's unit then ends
		// where the DT the switch leads to does, and its marker is on its last frame.
		const open = this.#tuFirst || this.#tuMaxSent < 0;

		if (open) {
			this.#trySwitch(s, target, 0, frame);
		}

		// The current DT's frames; or (nothing current: after a key frame) the target's; or the
		// target's switch frame at its own spatial layer, which then ends the unit for the
		// receiver (a K-SVC layer change at the first T0 after a key frame, which references the
		// key picture only). Other frames of the target wait for the switch: forwarding them
		// before it could leave a unit without its last frame (a higher one not decodable yet),
		// hence without a marker.
		const inDt = this.#dt >= 0 && dtis[this.#dt] !== DTI_NOT_PRESENT;
		const switchFrame =
			!inDt &&
			!promised &&
			open &&
			this.#dt >= 0 &&
			target >= 0 &&
			target !== this.#dt &&
			dtis[target] === DTI_SWITCH &&
			spatial === s.decodeTargetSpatialIds[target] &&
			this.#canSwitch(s, target, spatial, frame) &&
			this.#decodable(frame, d.fdiffs, false);
		const needed = promised || inDt || switchFrame || (this.#dt < 0 && target >= 0 && dtis[target] !== DTI_NOT_PRESENT);
		const forward =
			needed && (this.#tuFirst || spatial <= this.#tuTop) && (key || switchFrame || this.#decodable(frame, d.fdiffs, inDt));

		if (forward && switchFrame) {
			this.#switchTo(s, target);
		}

		// What the receiver now has of each DT.
		for (let dt = 0; dt < s.decodeTargetCount; dt++) {
			const dti = dtis[dt];

			if (dti === DTI_NOT_PRESENT) {
				continue;
			}
			if (forward) {
				if (dti === DTI_SWITCH) {
					this.#restoredAt[dt] = Math.max(this.#restoredAt[dt], frame);
				}
			} else if (dti !== DTI_DISCARDABLE) {
				// A frame the DT requires is missing (a discardable one is needed by nothing later).
				this.#brokenAt[dt] = Math.max(this.#brokenAt[dt], frame);
			}
		}
		// After it, the unit may end at this frame's layer (its verdict is not given yet).
		if (open) {
			this.#trySwitch(s, target, forward ? spatial : 0, frame);
		}
		if (forward) {
			this.#tuMaxSent = Math.max(this.#tuMaxSent, spatial);
		}
		this.#tuFirst = false;
		this.#setUnit(ts, this.#tuTop, this.#dt);

		if (!forward) {
			return DROPPED;
		}
		this.#promiseReferences(frame, d.fdiffs);

		return spatial >= this.#tuTop ? FORWARDED_LAST : FORWARDED;
	}

	/**
	 * The first packet seen of a frame of an older temporal unit (all the frame's earlier packets
	 * late or lost upstream): no switching there; it passes if the current DT needs it (or a
	 * forwarded frame references it) and the receiver can decode it, within what that unit ends
	 * at for the receiver (the marker there if it is that unit's top frame).
	 */
	#decideLate(frame: number, ts: number, key: boolean, promised: boolean): number {
		const s = this.#parser.structure!;
		const d = this.#desc;
		let unit = this.#unitIndex(ts);

		if (unit < 0) {
			// A whole unit came after the next one's first packet: it ends where the current DT
			// (or, after a key frame, the target) does.
			const dt = this.#dt >= 0 ? this.#dt : this.#chooseDt(s);

			this.#setUnit(ts, s.decodeTargetSpatialIds[dt], dt);
			unit = this.#unitIndex(ts);
		}

		// The DT the unit was decided under (the target may have moved since): the receiver
		// expects the unit's frames up to where it ends.
		const top = this.#unitTops[unit];
		const dt = this.#unitDts[unit];
		const forward =
			(promised || key || (dt >= 0 && dt < s.decodeTargetCount && d.dtis[dt] !== DTI_NOT_PRESENT)) &&
			d.spatialId <= top &&
			// Before the key frame in force, only frames promised come here: the receiver has
			// the frames referencing them.
			(key || frame < this.#keyFrame || this.#decodable(frame, d.fdiffs, dt >= 0 && dt < s.decodeTargetCount && d.dtis[dt] !== DTI_NOT_PRESENT));

		if (!forward) {
			for (let k = 0; k < s.decodeTargetCount; k++) {
				if (d.dtis[k] === DTI_SWITCH || d.dtis[k] === DTI_REQUIRED) {
					this.#brokenAt[k] = Math.max(this.#brokenAt[k], frame);
				}
			}

			return DROPPED;
		}
		this.#promiseReferences(frame, d.fdiffs);

		return d.spatialId === top ? FORWARDED_LAST : FORWARDED;
	}

	/** Frames a forwarded frame references that have not come yet: they pass when they come. */
	#promiseReferences(frame: number, fdiffs: readonly number[]): void {
		for (let k = 0; k < fdiffs.length; k++) {
			const ref = frame - fdiffs[k];

			if (this.#verdictOf(ref) === UNKNOWN) {
				this.#setVerdict(ref, PROMISED);
			}
		}
	}

	/** Remembers the spatial layer a temporal unit ends at for the receiver, and its DT. */
	#setUnit(ts: number, top: number, dt: number): void {
		const latest = (this.#unitHead + UNITS - 1) % UNITS;
		let i = this.#unitCount > 0 && this.#unitTs[latest] === ts ? latest : -1;

		if (i < 0) {
			i = this.#unitHead;
			this.#unitTs[i] = ts;
			this.#unitHead = (this.#unitHead + 1) % UNITS;
			this.#unitCount = Math.min(UNITS, this.#unitCount + 1);
		}
		this.#unitTops[i] = top;
		this.#unitDts[i] = dt;
	}

	/** Index of a recent temporal unit in the table; -1 if not known. */
	#unitIndex(ts: number): number {
		for (let k = 1; k <= this.#unitCount; k++) {
			const i = (this.#unitHead + UNITS - k) % UNITS;

			if (this.#unitTs[i] === ts) {
				return i;
			}
		}

		return -1;
	}

	/**
	 * Moves the receiver to `target` once it has every frame the target needs; until then to the
	 * best DT within the target layers it has every frame of (e.g. a lower temporal layer while
	 * a spatial layer up waits for its key frame). Called at a unit's first frame or while
	 * nothing of the unit was forwarded.
	 */
	#trySwitch(s: Av1TemplateStructure, target: number, lowest: number, frame: number): void {
		let to = target;

		if (to < 0) {
			return;
		}
		if (!this.#isIntact(to)) {
			to = this.#bestDt(s, true, this.#dt >= 0);
			if (to < 0 && this.#dt >= 0) {
				// Nothing within the target layers yet (a spatial change waiting for its key frame):
				// the target's temporal layer on the current spatial layer.
				to = this.#bestTemporalDt(s, s.decodeTargetSpatialIds[this.#dt]);
			}
			if (to < 0) {
				return;
			}
		}
		if (to !== this.#dt && this.#canSwitch(s, to, lowest, frame)) {
			this.#switchTo(s, to);
		}
	}

	/**
	 * Whether the unit of `frame` can move to DT `to`: not above where the unit ends but at its
	 * first frame (raising it later would need a second marker), not below `lowest` (the frame
	 * just forwarded, which is to end the unit); a spatial layer up not while frames just before
	 * this unit are missing (late upstream): one of them may be that layer's, in a unit that
	 * ends below it, never to be forwarded.
	 */
	#canSwitch(s: Av1TemplateStructure, to: number, lowest: number, frame: number): boolean {
		const spatial = s.decodeTargetSpatialIds[to];

		if ((!this.#tuFirst && spatial > this.#tuTop) || spatial < lowest) {
			return false;
		}

		const unitStart = frame - this.#desc.spatialId;

		return !(
			this.#dt >= 0 &&
			spatial > s.decodeTargetSpatialIds[this.#dt] &&
			this.#missingBefore(unitStart, 2 * (s.maxSpatialId + 1))
		);
	}

	#switchTo(s: Av1TemplateStructure, to: number): void {
		const spatial = s.decodeTargetSpatialIds[to];

		this.#dt = to;
		this.#tuTop = this.#tuFirst ? spatial : Math.min(this.#tuTop, spatial);
		this.#currentSpatial = spatial;
		this.#currentTemporal = s.decodeTargetTemporalIds[to];
	}

	/**
	 * Whether every frame `frame` references was forwarded, or has not been seen yet (all its
	 * packets late) when the frame is one of the current DT's (`inDt`) and the DT is intact: a
	 * frame the DT needs references only frames it needs, which will be forwarded when they come.
	 */
	#decodable(frame: number, fdiffs: readonly number[], inDt: boolean): boolean {
		const lenient = inDt && this.#isIntact(this.#dt);

		for (let k = 0; k < fdiffs.length; k++) {
			const ref = frame - fdiffs[k];

			// Before the structure's key frame, or too old to know: not there.
			if (ref < this.#keyFrame || this.#lastFrame - ref >= HISTORY) {
				return false;
			}

			const v = this.#verdictOf(ref);

			if (v === DROPPED || v === UNPLACED || (!lenient && v !== FORWARDED && v !== FORWARDED_LAST)) {
				return false;
			}
		}

		return true;
	}

	/** The DT for the target layers in the structure in force (-1: none). */
	#chooseDt(s: Av1TemplateStructure): number {
		return this.#bestDt(s, false);
	}

	/**
	 * The highest DT (spatial first, then temporal) within the target layers among the sender's
	 * active ones (only intact ones with `intactOnly`); else, unless `withinOnly`, the lowest one.
	 */
	#bestDt(s: Av1TemplateStructure, intactOnly: boolean, withinOnly = false): number {
		const maxS = Math.min(this.targetSpatialLayer, this.spatialLayers - 1);
		const maxT = Math.min(this.targetTemporalLayer, this.temporalLayers - 1);
		const active = this.#parser.activeDecodeTargetsBitmask;
		let best = -1;
		let bestScore = -1;
		let lowest = -1;
		let lowestScore = Infinity;

		for (let dt = 0; dt < s.decodeTargetCount; dt++) {
			if (active !== 0 && (active & (1 << dt)) === 0) {
				continue;
			}
			if (intactOnly && !this.#isIntact(dt)) {
				continue;
			}

			const sid = s.decodeTargetSpatialIds[dt];
			const tid = s.decodeTargetTemporalIds[dt];
			const score = sid * 16 + tid;

			if (sid <= maxS && tid <= maxT && score > bestScore) {
				best = dt;
				bestScore = score;
			}
			if (score < lowestScore) {
				lowest = dt;
				lowestScore = score;
			}
		}

		return best >= 0 || withinOnly ? best : lowest;
	}

	/** The intact DT of spatial layer `spatial` with the highest temporal layer within the target's (-1: none). */
	#bestTemporalDt(s: Av1TemplateStructure, spatial: number): number {
		const maxT = Math.min(this.targetTemporalLayer, this.temporalLayers - 1);
		const active = this.#parser.activeDecodeTargetsBitmask;
		let best = -1;

		for (let dt = 0; dt < s.decodeTargetCount; dt++) {
			if ((active !== 0 && (active & (1 << dt)) === 0) || !this.#isIntact(dt) || s.decodeTargetSpatialIds[dt] !== spatial) {
				continue;
			}

			const tid = s.decodeTargetTemporalIds[dt];

			if (tid <= maxT && (best < 0 || tid > s.decodeTargetTemporalIds[best])) {
				best = dt;
			}
		}

		return best;
	}

	/** Whether one of the `n` frames before `frame` (after the key frame) has not come yet. */
	#missingBefore(frame: number, n: number): boolean {
		for (let f = Math.max(this.#keyFrame + 1, frame - n); f < frame; f++) {
			const v = this.#verdictOf(f);

			if (v === UNKNOWN || v === PROMISED) {
				return true;
			}
		}

		return false;
	}

	/** Whether a frame shortly after `frame` came without a structure to place it (dropped). */
	#unplacedAfter(frame: number): boolean {
		for (let f = frame + 1; f <= this.#lastFrame && f <= frame + 32; f++) {
			if (this.#verdictOf(f) === UNPLACED) {
				return true;
			}
		}

		return false;
	}

	#isIntact(dt: number): boolean {
		return this.#restoredAt[dt] > this.#brokenAt[dt];
	}

	/** Nothing intact; what frames from `from` on (decided before it, reordered) did stays. */
	#clearIntact(from = Infinity): void {
		for (let dt = 0; dt < 32; dt++) {
			if (this.#restoredAt[dt] < from) {
				this.#restoredAt[dt] = -1;
			}
			if (this.#brokenAt[dt] < from) {
				this.#brokenAt[dt] = -1;
			}
		}
	}

	#verdictOf(frame: number): number {
		const i = frame % HISTORY;

		return this.#keys[i] === frame ? this.#verdicts[i] : UNKNOWN;
	}

	#setVerdict(frame: number, verdict: number): void {
		const i = frame % HISTORY;

		this.#keys[i] = frame;
		this.#verdicts[i] = verdict;
	}

	/** 16-bit frame_number to a number that keeps growing (serial arithmetic around the highest). */
	#unwrap(n: number): number {
		if (this.#lastFrame < 0) {
			// Room below for frames that come late.
			this.#lastFrame = 0x10000 + n;

			return this.#lastFrame;
		}

		const delta = ((n - (this.#lastFrame & 0xffff) + 0x18000) & 0xffff) - 0x8000;
		const frame = this.#lastFrame + delta;

		if (frame > this.#lastFrame) {
			this.#lastFrame = frame;
		}

		return frame;
	}
}
