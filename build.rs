// The fixture sites are compiled into the binary for `sitewarden demo`;
// rebuild when they change (include_dir cannot tell cargo on stable).
fn main() {
    println!("cargo:rerun-if-changed=fixtures");
}
