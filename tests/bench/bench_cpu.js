// SPDX-License-Identifier: MIT
//
// bench_cpu.js - the CPU side by side: every openWakeWord model through
// ONNX Runtime (npm onnxruntime-node, one intra-op and one inter-op thread)
// and its compiled model.bin files (float, int8) through `tmrun --device cpu`,
// in the same run on the same machine; warm-up, then many runs, medians.
// Writes the results as JSON and as the CPU section of docs/perf.md.
//
// usage: node bench_cpu.js NODE_MODULES ONNX_DIR BIN_DIR TMRUN OUT.json PERF.md MODEL...
//
// ONNX Runtime's time is one session.run() as seen from JavaScript (its
// N-API call included); tmrun's is one tm_runtime_invoke() as seen from C.
// Both exclude loading and session setup. Inputs: tmrun's deterministic
// synthetic input, and seeded random data of the same shape for ONNX Runtime
// (these models' run time does not depend on the values).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

const [nodeModules, onnxDir, binDir, tmrun, outJson, perfMd, ...models] = process.argv.slice(2);
const ort = require(path.resolve(nodeModules, 'onnxruntime-node'));
const ortVersion = require(path.resolve(nodeModules, 'onnxruntime-node', 'package.json')).version;

const WARMUP = 20;
// Enough runs for a stable median, fewer for the slow feature extractor.
const runsFor = (name) => (name === 'embedding_model' ? 200 : 1000);
// The streaming front end's chunk (tests/models/models.mk: 1280 + 480 samples).
const FIXED = { melspectrogram: [1, 1760] };

function median(xs) {
	const s = xs.slice().sort((a, b) => a - b);
	return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function shapeOf(sess, name) {
	if (FIXED[name])
		return FIXED[name];
	return sess.inputMetadata[0].shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
}

async function ortMedianUs(name) {
	const sess = await ort.InferenceSession.create(path.join(onnxDir, name + '.onnx'),
		{ intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential',
		  graphOptimizationLevel: 'all' });
	const shape = shapeOf(sess, name);
	const n = shape.reduce((a, b) => a * b, 1);
	const data = new Float32Array(n);
	let seed = 12345;
	for (let i = 0; i < n; i++) {
		seed = (seed * 1103515245 + 12345) >>> 0;
		data[i] = (seed / 4294967296 - 0.5) * (name === 'melspectrogram' ? 2000 : 2);
	}
	const feeds = { [sess.inputNames[0]]: new ort.Tensor('float32', data, shape) };
	for (let i = 0; i < WARMUP; i++)
		await sess.run(feeds);
	const t = [];
	for (let i = 0; i < runsFor(name); i++) {
		const t0 = process.hrtime.bigint();
		await sess.run(feeds);
		t.push(Number(process.hrtime.bigint() - t0) / 1000);
	}
	return median(t);
}

// @variant: a TM_CPU value, or undefined for the dispatcher's own choice.
function tmrunMedianUs(bin, name, variant) {
	const env = { ...process.env };
	if (variant)
		env.TM_CPU = variant;
	// --repeat N: the first run is the warm-up, the median is over the rest.
	for (let i = 0; i < 2; i++) // a second pass only if the first was disturbed
		try {
			const out = execFileSync(tmrun, [bin, '--device', 'cpu', '--json', '--repeat',
				String(runsFor(name) + WARMUP)], { stdio: ['ignore', 'pipe', 'ignore'], env });
			return JSON.parse(out).latency_ns.median / 1000;
		} catch (e) {
			if (i)
				throw new Error(`${bin}: ${e.message}`);
		}
	return NaN;
}

// Where an int8 run spends its time: op types by share of the profiled
// layer times (a separate run, so profiling does not touch the medians).
function tmrunHotOps(bin) {
	const out = execFileSync(tmrun, [bin, '--device', 'cpu', '--json', '--profile', '--repeat',
		'50'], { stdio: ['ignore', 'pipe', 'ignore'] });
	const by = {};
	let total = 0;
	for (const l of JSON.parse(out).layers || []) {
		by[l.op] = (by[l.op] || 0) + l.ns;
		total += l.ns;
	}
	return Object.entries(by).sort((a, b) => b[1] - a[1]).slice(0, 2)
		.map(([op, ns]) => `${op} ${Math.round((100 * ns) / (total || 1))}%`).join(', ');
}

function machine() {
	const cpu = os.cpus()[0].model.trim();
	let flags = '';
	try {
		const info = fs.readFileSync('/proc/cpuinfo', 'utf8');
		const f = (info.match(/^flags\s*:(.*)$/m) || ['', ''])[1].split(/\s+/);
		flags = ['avx2', 'fma', 'avx512f', 'avx512bw', 'avx512vl', 'avx512_vnni', 'asimd',
			'asimddp'].filter((x) => f.includes(x)).join(' ');
	} catch (e) { /* not Linux: no flags line */ }
	let cc = '';
	try {
		cc = execFileSync('cc', ['--version']).toString().split('\n')[0];
	} catch (e) { /* no compiler on PATH */ }
	return { cpu, cores: os.cpus().length, arch: os.arch(), kernel: os.release(), flags, cc,
		 node: process.version, ort: ortVersion, tm_cpu: process.env.TM_CPU || '(best)',
		 load: os.loadavg().map((x) => x.toFixed(2)).join(' ') };
}

function fmt(us) {
	return us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} us`;
}

function markdown(m, rows) {
	const l = [];
	l.push('## CPU: tmrun vs ONNX Runtime');
	l.push('');
	l.push('Written by `make bench` (tests/bench/bench_cpu.js); do not edit by hand.');
	l.push('');
	l.push(`Machine: ${m.cpu}, ${m.cores} cores (${m.arch}, Linux ${m.kernel}), ` +
	       `CPU flags used: ${m.flags || 'none'}; ${m.cc}; Node.js ${m.node}; ` +
	       `onnxruntime-node ${m.ort}. Kernel variant: TM_CPU=${m.tm_cpu}. Load average ` +
	       `when the run ended: ${m.load} (other work shares the machine; both sides ` +
	       'are measured model by model in the same run, so they see the same load).');
	l.push('');
	l.push('Single thread everywhere. Median of many runs after a warm-up: ONNX ' +
	       'Runtime is one `session.run()` from Node.js (intra/inter-op threads 1, ' +
	       'all graph optimisations); tmrun is one invoke of the compiled model.bin ' +
	       '(`--device cpu`). Ratio = ONNX Runtime float time / tmrun time (above 1: ' +
	       'tmrun is faster). Targets: int8 >= 2x, float >= 1/1.2 = 0.83x.');
	l.push('');
	l.push('What runs: the optimised CPU kernels of userspace/kernels/dispatch.h, the ' +
	       'variant picked from CPUID once per op at prepare (TM_CPU=ref|avx2|vnni|neon|' +
	       'dotprod forces one). CONV_2D and FULLY_CONNECTED are GEMMs over weights packed ' +
	       'in prepare (int8: AVX-512 VNNI VPDPBUSD, AVX2 VPMADDWD, AArch64 SDOT or ' +
	       'SMLAL; float: FMA), reading the input through row pointers into one padded ' +
	       'copy; depthwise, pools, elementwise rows, float activations and int8 ' +
	       'activation tables are vectorised too. int8 results are bit-identical to the ' +
	       'reference kernels on every variant (tests/unit/test_kernels_fast.c, ' +
	       'aarch64-check under qemu).');
	l.push('');
	l.push('| model | ORT float | tmrun float | ratio | tmrun int8 | ratio | float target | int8 target | int8 time goes to |');
	l.push('|---|---:|---:|---:|---:|---:|:---:|:---:|---|');
	for (const r of rows) {
		const rf = r.ort / r.float, ri = r.ort / r.int8;
		l.push(`| ${r.model} | ${fmt(r.ort)} | ${fmt(r.float)} | ${rf.toFixed(2)}x | ` +
		       `${fmt(r.int8)} | ${ri.toFixed(2)}x | ${rf >= 1 / 1.2 ? 'met' : 'MISSED'} | ` +
		       `${ri >= 2 ? 'met' : 'MISSED'} | ${r.hot} |`);
	}
	l.push('');
	if (rows.some((r) => r.int8_avx2)) {
		l.push('The same models with TM_CPU=avx2 (no AVX-512: what x86 machines without ' +
		       'VNNI run; ONNX Runtime keeps its own best kernels here, so these ratios ' +
		       'are conservative):');
		l.push('');
		l.push('| model | tmrun float (avx2) | ratio | tmrun int8 (avx2) | ratio |');
		l.push('|---|---:|---:|---:|---:|');
		for (const r of rows)
			l.push(`| ${r.model} | ${fmt(r.float_avx2)} | ${(r.ort / r.float_avx2).toFixed(2)}x | ` +
			       `${fmt(r.int8_avx2)} | ${(r.ort / r.int8_avx2).toFixed(2)}x |`);
		l.push('');
	}
	return l.join('\n');
}

// Replace (or append) the CPU section of docs/perf.md, leaving other sections alone.
function writePerf(file, section) {
	const head = '# Performance\n\nMeasured numbers, each section written by the tool named in it.\n\n';
	let doc = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : head;
	const start = doc.indexOf('## CPU: tmrun vs ONNX Runtime');
	if (start >= 0) {
		const next = doc.indexOf('\n## ', start + 1);
		doc = doc.slice(0, start) + (next >= 0 ? section.replace(/\n*$/, '\n\n') +
			doc.slice(next + 1) : section);
	} else {
		doc = doc.replace(/\n*$/, '\n\n') + section;
	}
	fs.writeFileSync(file, doc);
}

async function main() {
	const rows = [];
	const m0 = machine();
	for (const name of models) {
		const r = { model: name, ort: await ortMedianUs(name) };
		r.float = tmrunMedianUs(path.join(binDir, name + '.float.bin'), name);
		r.int8 = tmrunMedianUs(path.join(binDir, name + '.int8.bin'), name);
		r.hot = tmrunHotOps(path.join(binDir, name + '.int8.bin'));
		// The AVX2 variant too, where the machine has a better one: what
		// x86 machines without AVX-512 VNNI would run.
		if (m0.flags.includes('avx512_vnni')) {
			r.float_avx2 = tmrunMedianUs(path.join(binDir, name + '.float.bin'), name, 'avx2');
			r.int8_avx2 = tmrunMedianUs(path.join(binDir, name + '.int8.bin'), name, 'avx2');
		}
		console.log(`${name}: ORT ${fmt(r.ort)}, tmrun float ${fmt(r.float)} ` +
			    `(${(r.ort / r.float).toFixed(2)}x), int8 ${fmt(r.int8)} ` +
			    `(${(r.ort / r.int8).toFixed(2)}x)`);
		rows.push(r);
	}
	const m = { ...m0, load: machine().load };
	fs.writeFileSync(outJson, JSON.stringify({ machine: m, results: rows }, null, 1) + '\n');
	writePerf(perfMd, markdown(m, rows));
}

main().catch((e) => {
	console.error(`bench_cpu: ${e.message}`);
	process.exit(1);
});
