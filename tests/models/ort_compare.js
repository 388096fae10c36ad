// SPDX-License-Identifier: MIT
//
// ort_compare.js - run the openWakeWord ONNX models through ONNX Runtime
// (npm onnxruntime-node) and the compiled model.bin files through tmrun on
// the same inputs, and compare.
//
// Inputs are made in-distribution by chaining the real pipeline in ONNX
// Runtime: synthetic audio -> melspectrogram -> (x/10 + 2) -> embedding
// windows -> the classifiers' 16x96 feature window. The audio is a seeded
// mix of tones and noise, so every run sees the same numbers.
//
// usage: node ort_compare.js NODE_MODULES ONNX_DIR BIN_DIR TMRUN OUT.json MODEL...
//        node ort_compare.js NODE_MODULES ONNX_DIR --calib OUT_DIR SAMPLES
// MODEL is NAME.float (pass: error <= 1e-4 of max(|reference|, 1e-3)) or
// NAME.int8 (pass: a classifier's scores within 0.02 of the float model, a
// feature model's output cosine >= 0.99). --calib writes NAME.npy files of
// SAMPLES inputs each, from other seeds than the comparison's.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const [nodeModules, onnxDir, binDir, tmrun, outJson, ...only] = process.argv.slice(2);
const CLASSIFIERS = ['alexa_v0.1', 'hey_jarvis_v0.1', 'hey_mycroft_v0.1', 'hey_rhasspy_v0.1',
	'timer_v0.1', 'weather_v0.1'];
const ort = require(path.resolve(nodeModules, 'onnxruntime-node'));
// Relative to the output's magnitude, with a floor: ONNX Runtime's logistic
// returns values near 0 on a 2^-23 grid (9.6559e-6 = 81 * 2^-23, and 0 for
// 1.3e-9), so classifier scores far below 1e-3 differ by up to ~1e-7 absolute.
const TOL = 1e-4, FLOOR = 1e-3;

function mulberry32(seed) {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function audio(n, seed) {
	const rnd = mulberry32(seed), x = new Float32Array(n);
	const f = [220 + 400 * rnd(), 900 + 800 * rnd(), 2500 + 1000 * rnd()];
	for (let i = 0; i < n; i++) {
		let v = 0;
		for (let k = 0; k < f.length; k++)
			v += Math.sin((2 * Math.PI * f[k] * i) / 16000) * 3000 / (k + 1);
		x[i] = Math.round(v + (rnd() - 0.5) * 800);
	}
	return x;
}

function writeNpy(file, data, shape) {
	let hdr = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
	const pad = 64 - ((10 + hdr.length + 1) % 64);
	hdr += ' '.repeat(pad % 64) + '\n';
	const head = Buffer.alloc(10);
	Buffer.from('\x93NUMPY', 'latin1').copy(head, 0);
	head[6] = 1;
	head[7] = 0;
	head.writeUInt16LE(hdr.length, 8);
	fs.writeFileSync(file, Buffer.concat([head, Buffer.from(hdr, 'latin1'),
		Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

function readNpy(file) {
	const b = fs.readFileSync(file);
	const major = b[6], hlen = major === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8);
	const start = (major === 1 ? 10 : 12) + hlen;
	const hdr = b.toString('latin1', major === 1 ? 10 : 12, start);
	if (!hdr.includes("'<f4'"))
		throw new Error(`${file}: expected float32, header ${hdr}`);
	const bytes = b.subarray(start);
	return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

async function session(name) {
	return ort.InferenceSession.create(path.join(onnxDir, name + '.onnx'),
		{ intraOpNumThreads: 1, interOpNumThreads: 1 });
}

async function ortRun(sess, data, shape) {
	const feeds = { [sess.inputNames[0]]: new ort.Tensor('float32', data, shape) };
	const out = await sess.run(feeds);
	return out[sess.outputNames[0]];
}

// The inputs each model is compared on, built through the real pipeline:
// a classifier over N embeddings sees N windows of 76 mel frames, hop 8.
async function makeInputs(seed) {
	const mel = await session('melspectrogram');
	const emb = await session('embedding_model');
	const inputs = { melspectrogram: { data: audio(1760, seed), shape: [1, 1760] } };
	const maxWin = 64, frames = 76 + (maxWin - 1) * 8, samples = (frames - 1) * 160 + 512;
	const m = await ortRun(mel, audio(samples, seed + 1), [1, samples]);
	const feat = m.data.map((v) => v / 10 + 2); // openWakeWord's mel scaling
	const win = (f0) => feat.slice(f0 * 32, (f0 + 76) * 32);
	inputs.embedding_model = { data: win(0), shape: [1, 76, 32, 1] };
	const e = new Float32Array(maxWin * 96);
	for (let w = 0; w < maxWin; w++)
		e.set((await ortRun(emb, win(w * 8), [1, 76, 32, 1])).data, w * 96);
	inputs.classifier = (n) => ({ data: e.slice(0, n * 96), shape: [1, n, 96] });
	return inputs;
}

function compare(a, b) {
	let maxAbs = 0, refMax = 0, dot = 0, na = 0, nb = 0;
	for (let i = 0; i < b.length; i++) {
		maxAbs = Math.max(maxAbs, Math.abs(a[i] - b[i]));
		refMax = Math.max(refMax, Math.abs(b[i]));
		dot += a[i] * b[i];
		na += a[i] * a[i];
		nb += b[i] * b[i];
	}
	return { max_abs: maxAbs, ref_max: refMax, rel: maxAbs / Math.max(refMax, 1e-30),
		 cosine: dot / Math.sqrt(na * nb || 1) };
}

async function writeCalib(dir, samples) {
	fs.mkdirSync(dir, { recursive: true });
	const sets = [];
	for (let k = 0; k < samples; k++)
		sets.push(await makeInputs(1000 + 7 * k));
	const save = (name, pick) => {
		const parts = sets.map(pick), n = parts[0].data.length;
		const all = new Float32Array(n * samples);
		parts.forEach((p, k) => all.set(p.data, k * n));
		writeNpy(path.join(dir, name + '.npy'), all, [samples, ...parts[0].shape.slice(1)]);
	};
	save('melspectrogram', (s) => s.melspectrogram);
	save('embedding_model', (s) => s.embedding_model);
	for (const c of CLASSIFIERS) {
		if (!fs.existsSync(path.join(onnxDir, c + '.onnx')))
			continue;
		const n = (await session(c)).inputMetadata[0].shape[1];
		save(c, (s) => s.classifier(n));
	}
}

function judge(r, bin) {
	if (bin.endsWith('.float'))
		return r.max_abs <= TOL * Math.max(r.ref_max, FLOOR);
	const name = bin.replace(/\.[^.]*$/, '');
	return CLASSIFIERS.includes(name) ? r.max_abs <= 0.02 : r.cosine >= 0.99;
}

async function main() {
	if (binDir === '--calib')
		return writeCalib(tmrun, Number(outJson));
	const inputs = await makeInputs(1);
	const models = only.length ? only : fs.readdirSync(binDir).filter((f) => f.endsWith('.bin'))
		.map((f) => f.replace(/\.bin$/, ''));
	const tmp = fs.mkdtempSync(path.join(require('os').tmpdir(), 'tmc-ort-'));
	const results = [];
	let bad = 0;
	for (const bin of models) {
		const name = bin.replace(/\.[^.]*$/, '');
		const sess = await session(name);
		const inp = inputs[name] || inputs.classifier(sess.inputMetadata[0].shape[1]);
		const ref = await ortRun(sess, inp.data, inp.shape);
		const fin = path.join(tmp, 'in.npy'), fout = path.join(tmp, 'out.npy');
		writeNpy(fin, inp.data, inp.shape);
		let r;
		try {
			execFileSync(tmrun, [path.join(binDir, bin + '.bin'), '-i', fin, '-o', fout,
				'--device', 'cpu'], { stdio: ['ignore', 'ignore', 'pipe'] });
			const got = readNpy(fout);
			if (got.length !== ref.data.length)
				throw new Error(`output has ${got.length} values, ONNX Runtime ${ref.data.length}`);
			r = { model: bin, ...compare(got, ref.data) };
			r.ok = judge(r, bin);
			r.out = Array.from(got.slice(0, 4));
			r.ref = Array.from(ref.data.slice(0, 4));
		} catch (e) {
			r = { model: bin, ok: false, error: String(e.stderr || e.message).trim() };
		}
		bad += !r.ok;
		results.push(r);
		console.log(r.ok ? 'ok' : 'FAIL', bin, r.error ||
			`max_abs ${r.max_abs.toExponential(3)} rel ${r.rel.toExponential(3)} cosine ${r.cosine.toFixed(7)}`);
	}
	fs.writeFileSync(outJson, JSON.stringify(results, null, 1) + '\n');
	fs.rmSync(tmp, { recursive: true, force: true });
	process.exit(bad ? 1 : 0);
}

main().catch((e) => {
	console.error('ort_compare:', e.message);
	process.exit(1);
});
