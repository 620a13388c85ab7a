// libwebrtc's AV1 scalability structures (modules/video_coding/svc/scalability_structure_full_svc.cc
// and scalability_structure_key_svc.cc: the template structures Chromium attaches to its key
// frames), as template lists for createAv1TemplateStructure, plus the order in which its
// encoder uses the templates frame after frame. Test data only.

import {
	DTI_DISCARDABLE,
	DTI_NOT_PRESENT,
	DTI_REQUIRED,
	DTI_SWITCH,
	type Av1FrameTemplate,
	type Av1StructureInit,
} from '../../../src/proto/codecs/av1-dependency-descriptor';

/** libwebrtc's DTI notation: '-' not present, 'D' discardable, 'S' switch, 'R' required. */
export function dtis(symbols: string): number[] {
	return [...symbols].map((c) =>
		c === '-' ? DTI_NOT_PRESENT : c === 'D' ? DTI_DISCARDABLE : c === 'S' ? DTI_SWITCH : DTI_REQUIRED,
	);
}

function t(spatialId: number, temporalId: number, d: string, chainFdiffs: number[], fdiffs: number[] = []): Av1FrameTemplate {
	return { spatialId, temporalId, dtis: dtis(d), chainFdiffs, fdiffs };
}

export interface LibwebrtcMode {
	name: string;
	structure: Av1StructureInit;
	spatialLayers: number;
	temporalLayers: number;
	/** Template index of each spatial layer's frame in the key temporal unit. */
	key: number[];
	/** Then, cyclically, the temporal units' templates (T2A, T1, T2B, T0 for three temporal layers). */
	cycle: number[][];
	/** Temporal id of each temporal unit of the cycle. */
	cycleTids: number[];
}

/** ScalabilityStructureL1T3: decode targets 15/30/60 fps, one chain over T0. */
export const L1T3: LibwebrtcMode = {
	name: 'L1T3',
	structure: {
		decodeTargetCount: 3,
		chainCount: 1,
		decodeTargetProtectedBy: [0, 0, 0],
		templates: [
			t(0, 0, 'SSS', [0]),
			t(0, 0, 'SSS', [4], [4]),
			t(0, 1, '-DS', [2], [2]),
			t(0, 2, '--D', [1], [1]),
			t(0, 2, '--D', [3], [1]),
		],
	},
	spatialLayers: 1,
	temporalLayers: 3,
	key: [0],
	cycle: [[3], [2], [4], [1]],
	cycleTids: [2, 1, 2, 0],
};

/** ScalabilityStructureL3T3 (full SVC): decode target s * 3 + t; chains per spatial layer. */
export const L3T3: LibwebrtcMode = {
	name: 'L3T3',
	structure: {
		decodeTargetCount: 9,
		chainCount: 3,
		decodeTargetProtectedBy: [0, 0, 0, 1, 1, 1, 2, 2, 2],
		templates: [
			t(0, 0, 'SSSRRRRRR', [12, 11, 10], [12]),
			t(0, 0, 'SSSSSSSSS', [0, 0, 0]),
			t(0, 1, '-DS-RR-RR', [6, 5, 4], [6]),
			t(0, 2, '--D--R--R', [3, 2, 1], [3]),
			t(0, 2, '--D--R--R', [9, 8, 7], [3]),
			t(1, 0, '---SSSRRR', [1, 1, 1], [12, 1]),
			t(1, 0, '---SSSSSS', [1, 1, 1], [1]),
			t(1, 1, '----DS-RR', [7, 6, 5], [6, 1]),
			t(1, 2, '-----D--R', [4, 3, 2], [3, 1]),
			t(1, 2, '-----D--R', [10, 9, 8], [3, 1]),
			t(2, 0, '------SSS', [2, 1, 1], [12, 1]),
			t(2, 0, '------SSS', [2, 1, 1], [1]),
			t(2, 1, '-------DS', [8, 7, 6], [6, 1]),
			t(2, 2, '--------D', [5, 4, 3], [3, 1]),
			t(2, 2, '--------D', [11, 10, 9], [3, 1]),
		],
		resolutions: [
			[160, 120],
			[320, 240],
			[640, 480],
		],
	},
	spatialLayers: 3,
	temporalLayers: 3,
	key: [0x1, 0x6, 0xb],
	cycle: [
		[0x3, 0x8, 0xd],
		[0x2, 0x7, 0xc],
		[0x4, 0x9, 0xe],
		[0x0, 0x5, 0xa],
	],
	cycleTids: [2, 1, 2, 0],
};

/** ScalabilityStructureL3T3Key (K-SVC): upper spatial layers use lower ones in key pictures only. */
export const L3T3_KEY: LibwebrtcMode = {
	name: 'L3T3_KEY',
	structure: {
		decodeTargetCount: 9,
		chainCount: 3,
		decodeTargetProtectedBy: [0, 0, 0, 1, 1, 1, 2, 2, 2],
		templates: [
			t(0, 0, 'SSSSSSSSS', [0, 0, 0]),
			t(0, 0, 'SSS------', [12, 11, 10], [12]),
			t(0, 1, '-DS------', [6, 5, 4], [6]),
			t(0, 2, '--D------', [3, 2, 1], [3]),
			t(0, 2, '--D------', [9, 8, 7], [3]),
			t(1, 0, '---SSSSSS', [1, 1, 1], [1]),
			t(1, 0, '---SSS---', [1, 12, 11], [12]),
			t(1, 1, '----DS---', [7, 6, 5], [6]),
			t(1, 2, '-----D---', [4, 3, 2], [3]),
			t(1, 2, '-----D---', [10, 9, 8], [3]),
			t(2, 0, '------SSS', [2, 1, 1], [1]),
			t(2, 0, '------SSS', [2, 1, 12], [12]),
			t(2, 1, '-------DS', [8, 7, 6], [6]),
			t(2, 2, '--------D', [5, 4, 3], [3]),
			t(2, 2, '--------D', [11, 10, 9], [3]),
		],
	},
	spatialLayers: 3,
	temporalLayers: 3,
	key: [0x0, 0x5, 0xa],
	cycle: [
		[0x3, 0x8, 0xd],
		[0x2, 0x7, 0xc],
		[0x4, 0x9, 0xe],
		[0x1, 0x6, 0xb],
	],
	cycleTids: [2, 1, 2, 0],
};

export const MODES = [L1T3, L3T3, L3T3_KEY];
