//! A gzip bomb for the body-size cap: a small body that inflates to more
//! than the crawler may read.

/// A deflate stream of `1 + 258 * matches` zero bytes built by hand (a
/// literal 0, then length-258 distance-1 copies in one fixed-Huffman block),
/// wrapped in gzip. Compressing 100 MB with a debug-built compressor would
/// take longer than this whole test may.
pub fn gzip_bomb(matches: usize) -> (Vec<u8>, u64) {
    struct Bits {
        out: Vec<u8>,
        acc: u64,
        n: u32,
    }
    impl Bits {
        fn put(&mut self, value: u64, bits: u32) {
            self.acc |= value << self.n;
            self.n += bits;
            while self.n >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }
        /// Huffman codes go most significant bit first.
        fn huff(&mut self, code: u64, bits: u32) {
            let mut rev = 0;
            for i in 0..bits {
                rev |= ((code >> i) & 1) << (bits - 1 - i);
            }
            self.put(rev, bits);
        }
    }
    let mut b = Bits {
        out: vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff],
        acc: 0,
        n: 0,
    };
    b.put(1, 1); // BFINAL
    b.put(1, 2); // fixed Huffman
    b.huff(0b0011_0000, 8); // literal 0
    for _ in 0..matches {
        b.huff(0b1100_0101, 8); // length code 285 = 258
        b.huff(0, 5); // distance code 0 = 1
    }
    b.huff(0, 7); // end of block
    b.put(0, 7); // pad to a byte
    let size = 1 + 258 * matches as u64;
    let mut crc = flate2::Crc::new();
    let zeros = vec![0u8; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(zeros.len() as u64) as usize;
        crc.update(&zeros[..n]);
        left -= n as u64;
    }
    let mut out = b.out;
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&(size as u32).to_le_bytes());
    (out, size)
}
