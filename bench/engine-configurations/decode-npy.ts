/** Decodes a little-endian float32 `.npy` file (format 1.0 or 2.0, C order), as NumPy and `encodeNpy` write it. */
export function decodeNpy(bytes: Uint8Array): { values: Float32Array; shape: number[] } {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.toString("latin1", 0, 6) !== "\x93NUMPY")
    throw new Error("not a .npy file: no \\x93NUMPY magic");
  const major = buffer[6];
  const headerLength = major === 1 ? buffer.readUInt16LE(8) : buffer.readUInt32LE(8);
  const headerStart = major === 1 ? 10 : 12;
  const header = buffer.toString("latin1", headerStart, headerStart + headerLength);
  if (!header.includes("'descr': '<f4'") || header.includes("'fortran_order': True")) {
    throw new Error(`only C-order little-endian float32 .npy files are read; the header is ${header.trim()}`);
  }
  const shape = [...(header.match(/'shape': \(([^)]*)\)/)?.[1] ?? "").matchAll(/\d+/g)].map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const start = headerStart + headerLength;
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = buffer.readFloatLE(start + 4 * i);
  return { values, shape };
}
