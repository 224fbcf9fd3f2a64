#!/bin/sh
# Renders what officers get from the bundled fixtures (the findings page of
# the demo and a period summary) and, where Debian's chromium is installed,
# takes a screenshot of the findings page and prints the summary to A4 PDF,
# so both can be looked at. Installs nothing.
# Usage: tests/screenshot_report.sh [OUT_DIR]
set -eu
out="${1:-target/report-sample}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
cargo build --quiet
bin="$(pwd)/target/debug/sitewarden"
"$bin" demo --out-dir "$out/demo" >/dev/null
daily="$(ls "$out"/demo/findings/findings-*.html | head -1)"
"$bin" --config "$out/demo/sitewarden.toml" report --from 2026-11-01 --to 2026-11-30 --format html --out "$out/period.html"
echo "HTML: $daily"
echo "HTML: $out/period.html"
browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then
    echo "chromium not installed (apt-get install chromium): open the HTML files in a browser to check the look"
    exit 0
fi
flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync"
"$browser" $flags --user-data-dir="$(mktemp -d)" --window-size=1400,2400 --screenshot="$out/daily.png" "file://$daily" 2>/dev/null
"$browser" $flags --user-data-dir="$(mktemp -d)" --no-pdf-header-footer --print-to-pdf="$out/period.pdf" "file://$out/period.html" 2>/dev/null
echo "PNG:  $out/daily.png"
echo "PDF:  $out/period.pdf (A4)"
